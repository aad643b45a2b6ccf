import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createAdminApp, openApiDocument, type DeadLetterRequest } from "../../../src/ops/admin/index.js";
import { openApiYaml } from "../../../src/ops/admin/openapi-yaml.js";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { captureLogs } from "../../unit/delivery-log/fixtures.js";

describe("the admin API's OpenAPI document", () => {
  it("docs/admin-openapi.yaml is the served document (regenerate it as its header says)", () => {
    const file = readFileSync("docs/admin-openapi.yaml", "utf8");
    expect(parse(file)).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
    expect(file).toBe(openApiYaml());
  });

  describe("matches what the server mounts", () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      const app = createAdminApp({
        // A real table: the admin API generates the AsyncAPI and ingress OpenAPI documents from it.
        table: loadRoutes("routes", {}, { standIns: { missing: new Map() } }),
        log: undefined,
        deadLetters: async (request: DeadLetterRequest) => ({
          action: request.action,
          dryRun: request.dryRun,
          matched: 0,
          replayed: 0,
          purged: 0,
          letters: [],
          truncated: false,
        }),
        token: undefined,
        logger: captureLogs().logger,
        docs: { exchange: "events", queuePrefix: "webhook-router." },
      });
      server = app.listen(0, "127.0.0.1");
      await once(server, "listening");
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("every documented operation answers with one of its documented statuses", async () => {
      const operations = Object.entries(openApiDocument.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path: path.replace("{id}", "evt-1"), method, operation })),
      );
      expect(operations).toHaveLength(13);
      for (const { path, method, operation } of operations) {
        const response = await fetch(`${base}${path}`, {
          method: method.toUpperCase(),
          ...(method === "post" ? { body: JSON.stringify({ route: "r" }) } : {}),
        });
        const body = (await response.json()) as { error?: string };
        expect(Object.keys(operation.responses), `${method} ${path} answered ${response.status} ${JSON.stringify(body)}`).toContain(
          String(response.status),
        );
        expect(body.error).not.toBe("not_found");
      }
    });
  });
});
