import { describe, expect, it } from "vitest";
import { kindForOdooException, readOdooException } from "../../../src/adapters/odoo/odoo-errors.js";

describe("kindForOdooException", () => {
  it.each([
    ["odoo.exceptions.ValidationError", "permanent"],
    ["odoo.exceptions.UserError", "permanent"],
    ["odoo.exceptions.MissingError", "permanent"],
    ["odoo.exceptions.AccessError", "credentials"],
    ["odoo.exceptions.AccessDenied", "credentials"],
    ["psycopg2.errors.SerializationFailure", "transient"],
    ["psycopg2.errors.LockNotAvailable", "transient"],
    ["odoo.exceptions.ConcurrencyError", "transient"],
    ["builtins.ValueError", "permanent"],
    ["odoo.addons.custom.SomethingElse", undefined],
  ])("%s is %s", (name, kind) => {
    expect(kindForOdooException(name)).toBe(kind);
  });
});

describe("readOdooException", () => {
  it("keeps name and message, not the traceback", () => {
    expect(readOdooException({ name: "odoo.exceptions.UserError", message: "No", debug: "Traceback…", arguments: ["No"] })).toEqual({
      name: "odoo.exceptions.UserError",
      message: "No",
    });
    expect(readOdooException({ message: "no name" })).toBeUndefined();
  });
});
