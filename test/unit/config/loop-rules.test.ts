import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { compileRoutes } from "../../../src/mapping/compile-routes.js";
import { problemLines, routesDir } from "../../helpers/config-problems.js";

const destinations = `
destinations:
  target: { kind: http, method: PUT, url: "https://api.example.com/customers/{payload.id}" }
`;

/** Loads and compiles one routes file, as every command does at start. */
const start = (yaml: string) => () => compileRoutes(loadRoutes(routesDir(destinations + yaml), {}));

const writer = (fields = "[name, email]") => `
  erp-to-crm:
    events: erp.customer.updated
    mapping: '{ "id": data.ref, "name": data.name, "email": data.email }'
    destination: target
    remember: { system: crm, entity: customer, id: id, fields: ${fields} }
`;

describe("two-way sync rules in routes files", () => {
  it("load and compile when every echo check has a route remembering the same system, entity and fields", () => {
    const table = compileRoutes(
      loadRoutes(
        routesDir(`${destinations}routes:${writer()}
  crm-to-erp:
    events: crm.customer.updated
    echo: { system: crm, entity: customer, id: data.id, fields: [data.name, data.email] }
    skipAuthoredBy: { field: data.updatedBy, users: [sync-bot, 42] }
    destination: target
`),
        {},
      ),
    );
    const loop = table.get("crm-to-erp")!.loop!;
    expect(loop.authoredBy!.users).toEqual(new Set(["sync-bot", "42"]));
    expect(loop.checksNeedEnrichment).toBe(false);
    expect(table.get("erp-to-crm")!.loop!.remember!.windowMs).toBe(3_600_000);
  });

  it("name the file, line and column of a JSONata syntax error in an echo field", () => {
    const lines = problemLines(
      start(`routes:${writer()}
  crm-to-erp:
    events: crm.customer.updated
    echo:
      system: crm
      entity: customer
      id: data.id
      fields: [data.name, "data.email ="]
    destination: target
`),
    );
    expect(lines).toEqual([
      expect.stringMatching(/routes\.yaml:17:\d+ at routes\.crm-to-erp\.echo\.fields\[1\]: JSONata syntax error at position \d+/),
    ]);
  });

  it("refuse an echo check that no route's remember can ever match", () => {
    const lines = problemLines(
      start(`routes:
  crm-to-erp:
    events: crm.customer.updated
    echo: { system: crm, entity: customer, id: data.id, fields: [data.name] }
    destination: target
`),
    );
    expect(lines).toEqual([
      expect.stringMatching(/routes\.yaml:7:5 at routes\.crm-to-erp\.echo: no route remembers its writes to crm customer .* can never match/),
    ]);
  });

  it("refuse an echo check listing another number of fields than the write it looks for", () => {
    const lines = problemLines(
      start(`routes:${writer("[name, email]")}
  crm-to-erp:
    events: crm.customer.updated
    echo: { system: crm, entity: customer, id: data.id, fields: [data.name] }
    destination: target
`),
    );
    expect(lines).toEqual([
      expect.stringMatching(/routes\.yaml:13:\d+ at routes\.crm-to-erp\.echo\.fields: 1 field, but route erp-to-crm remembers 2 .*same order/),
    ]);
  });

  it("refuse skipAuthoredBy whose users are all empty (an unset ${VAR:-})", () => {
    const lines = problemLines(
      start(`routes:
  crm-to-erp:
    events: crm.customer.updated
    skipAuthoredBy: { field: data.updatedBy, users: ["\${SYNC_USER:-}"] }
    destination: target
`),
    );
    expect(lines).toEqual([expect.stringMatching(/routes\.yaml:7:\d+ at routes\.crm-to-erp\.skipAuthoredBy\.users: expected at least one user/)]);
  });

  it("refuse a misspelt key and a remember window out of range, naming each", () => {
    const lines = problemLines(
      start(`routes:
  erp-to-crm:
    events: erp.customer.updated
    destination: target
    remember: { system: crm, entity: customer, id: id, fields: [name], window: 10d, feilds: [x] }
`),
    );
    expect(lines.join("\n")).toMatch(/routes\.yaml:8:\d+ at routes\.erp-to-crm\.remember.*feilds.*did you mean `fields`/);
    expect(lines.join("\n")).toMatch(/routes\.erp-to-crm\.remember\.window.*between 1s and 7d/);
  });
});
