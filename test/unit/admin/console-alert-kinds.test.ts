import { describe, expect, it } from "vitest";
import { ALERT_KINDS as CONSOLE_KINDS } from "../../../console/src/admin-types.js";
import { ALERT_KINDS } from "../../../src/ops/alerts/index.js";

describe("the console's Alerts page kind filter", () => {
  // The browser code cannot import the server's list; a kind missing there could not be chosen, an extra one would answer 400.
  it("offers exactly the kinds GET /alerts takes", () => {
    expect(CONSOLE_KINDS.map(([kind]) => kind).sort()).toEqual([...ALERT_KINDS].sort());
  });
});
