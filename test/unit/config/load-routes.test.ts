import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/config-error.js";
import { loadEnv } from "../../../src/env.js";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { EXAMPLE_SECRETS } from "../../helpers/router.js";

const dir = (name: string) => `test/fixtures/routes/${name}`;

function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loading the routing table", () => {
  it("loads the shipped example routes when their secrets are set", () => {
    const table = loadRoutes("routes", EXAMPLE_SECRETS);
    expect([...table.sources.keys()].sort()).toEqual(["erp", "tracktik", "tracktile", "trackvia", "trackvia-quote"]);
    expect([...table.destinations.keys()].sort()).toEqual(["odoo", "quickbooks", "shipbob", "tracktile-api"]);
    expect(table.routes.size).toBe(7);
    expect(table.sources.get("tracktile")!.limits.body).toBe(1024 * 1024);
  });

  it("reads TrackTik's header name from the environment, defaulting to x-tracktik-secret", () => {
    const env = EXAMPLE_SECRETS;
    const byDefault = loadRoutes("routes", env).sources.get("tracktik")!.verify;
    const named = loadRoutes("routes", { ...env, TRACKTIK_SECRET_HEADER: "X-Callout-Key" }).sources.get("tracktik")!.verify;
    expect(byDefault).toMatchObject({ header: "x-tracktik-secret" });
    expect(named).toMatchObject({ header: "x-callout-key" });
  });

  it("names every missing variable with its file and place", () => {
    const message = problemsOf(() => loadRoutes("routes", {}));
    expect(message).toMatch(
      /routes\/sources\.yaml:\d+:\d+ at sources\.tracktile\.verify\.secrets\[0\]: environment variable TRACKTILE_WEBHOOK_SECRET is not set/,
    );
    expect(message).toContain("TRACKTIK_WEBHOOK_SECRET");
    expect(message).toContain("TRACKVIA_WEBHOOK_SECRET");
    expect(message).not.toContain("TRACKTILE_WEBHOOK_SECRET_NEXT");
  });

  it("rejects an unknown verification preset, naming the place", () => {
    const message = problemsOf(() => loadRoutes(dir("unknown-preset"), {}));
    expect(message).toContain("sources.acme.verify.preset");
  });

  it("rejects a misspelt key, naming it", () => {
    const message = problemsOf(() => loadRoutes(dir("typo"), {}));
    expect(message).toMatch(/sources\.acme.*evnet/);
  });

  it("reports a YAML syntax error with the file", () => {
    const message = problemsOf(() => loadRoutes(dir("bad-yaml"), {}));
    expect(message).toMatch(/bad-yaml\/sources\.yaml:\d+:\d+: YAML/);
  });

  it("refuses the same source declared in two files", () => {
    const message = problemsOf(() => loadRoutes(dir("duplicate"), {}));
    expect(message).toMatch(/b\.yaml:2:3 at sources\.acme: "acme" is already declared in .*a\.yaml/);
  });

  it("reports a route naming a destination nobody declared", () => {
    const message = problemsOf(() => loadRoutes(dir("unknown-destination"), {}));
    expect(message).toMatch(/routes\.yaml:7:5 at routes\.r\.destination: unknown destination "nowhere" \(known: none declared\)/);
  });

  it("refuses a folder that does not exist", () => {
    expect(problemsOf(() => loadRoutes(dir("nope"), {}))).toMatch(/cannot read the routes folder/);
  });
});

describe("environment settings", () => {
  it("has the documented defaults", () => {
    expect(loadEnv({})).toMatchObject({
      PORT: 8080,
      AMQP_URL: "amqp://guest:guest@127.0.0.1:5672",
      AMQP_EXCHANGE: "events",
      ROUTES_DIR: "./routes",
      TRUST_PROXY: false,
    });
  });

  it("reads TRUST_PROXY as a hop count or a list of subnets", () => {
    expect(loadEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(loadEnv({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).TRUST_PROXY).toEqual(["loopback", "10.0.0.0/8"]);
  });

  it("rejects a bad port with the variable's name", () => {
    expect(problemsOf(() => loadEnv({ PORT: "eighty" }))).toMatch(/environment variable PORT/);
  });
});
