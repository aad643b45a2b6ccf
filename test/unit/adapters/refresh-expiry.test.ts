import { describe, expect, it } from "vitest";
import { refreshExpiresAtMs } from "../../../src/adapters/oauth/refresh-expiry.js";

const NOW = Date.parse("2027-03-01T09:00:00Z");

describe("when a token endpoint says the refresh token expires", () => {
  it.each([
    ["QuickBooks x_refresh_token_expires_in (s)", { x_refresh_token_expires_in: 8_726_400 }, NOW + 8_726_400_000],
    ["refresh_expires_in (s)", { refresh_expires_in: "60" }, NOW + 60_000],
    [
      "TrackVia refreshToken.expiration (ISO)",
      { refreshToken: { value: "r", expiration: "2027-03-04T09:00:00Z" } },
      Date.parse("2027-03-04T09:00:00Z"),
    ],
    ["refreshToken.expiration (epoch ms)", { refreshToken: { expiration: NOW + 5 } }, NOW + 5],
  ])("%s", (_name, body, expected) => {
    expect(refreshExpiresAtMs(body as Record<string, unknown>, NOW)).toBe(expected);
  });

  it.each([
    ["silent", {}],
    ["0: does not expire", { refresh_expires_in: 0 }],
    ["an unreadable date", { refreshToken: { expiration: "soon" } }],
  ])("undefined when %s", (_name, body) => {
    expect(refreshExpiresAtMs(body as Record<string, unknown>, NOW)).toBeUndefined();
  });
});
