import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { standInsPlan } from "../helpers/stand-ins-ports.js";

const exampleEnv = parseEnv(readFileSync("example.env", "utf8"));

describe("stand-in ports", () => {
  it("listen where example.env points the example destinations, on loopback, when nothing is set", () => {
    const plan = standInsPlan({});
    const port = Object.fromEntries(plan.ports.map((entry) => [entry.name, entry.port]));
    expect(plan.host).toBe("127.0.0.1");
    expect(exampleEnv.TRACKTILE_API_URL).toBe(`http://127.0.0.1:${port.tracktile}`);
    expect(exampleEnv.QBO_BASE_URL).toBe(`http://127.0.0.1:${port.quickbooks}`);
    expect(exampleEnv.QBO_TOKEN_URL).toBe(`http://127.0.0.1:${port.quickbooks}/oauth2/v1/tokens/bearer`);
    expect(exampleEnv.ODOO_URL).toBe(`http://127.0.0.1:${port.odoo}`);
    expect(exampleEnv.SHIPBOB_BASE_URL).toBe(`http://127.0.0.1:${port.shipbob}`);
    expect(exampleEnv.TRACKVIA_BASE_URL).toBe(`http://127.0.0.1:${port.trackvia}`);
    expect(exampleEnv.TRACKTIK_BASE_URL).toBe(`http://127.0.0.1:${port.tracktik}`);
  });

  it("count up from STAND_INS_PORT, and a per-stand-in variable moves that one alone", () => {
    const plan = standInsPlan({ STAND_INS_PORT: "9201", STAND_IN_QUICKBOOKS_PORT: "9300", STAND_INS_HOST: "0.0.0.0" });
    expect(plan.host).toBe("0.0.0.0");
    expect(plan.ports.map((entry) => [entry.name, entry.port])).toEqual([
      ["tracktile", 9201],
      ["quickbooks", 9300],
      ["odoo", 9203],
      ["shipbob", 9204],
      ["trackvia", 9205],
      ["tracktik", 9206],
    ]);
  });

  it("refuse a value that is not a port, naming the variable", () => {
    expect(() => standInsPlan({ STAND_IN_SHIPBOB_PORT: "70000" })).toThrow(
      'STAND_IN_SHIPBOB_PORT must be a port number from 1 to 65535, not "70000"',
    );
    expect(() => standInsPlan({ STAND_INS_PORT: "65534" })).toThrow(/puts Odoo on 65536, past 65535/);
  });

  it("refuse two stand-ins on one port, naming the variable to change", () => {
    expect(() => standInsPlan({ STAND_IN_ODOO_PORT: "9101" })).toThrow(
      "Tracktile API and Odoo would both listen on 9101: set STAND_IN_ODOO_PORT to another port",
    );
  });
});
