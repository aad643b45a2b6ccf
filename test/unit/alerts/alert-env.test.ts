import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/config-error.js";
import { envSchema } from "../../../src/env.js";
import { alertEnvSchema, alerterOptionsFromEnv } from "../../../src/ops/alerts/alert-env.js";
import { captureLogs } from "./alert-fixtures.js";

describe("alert environment", () => {
  it("has defaults that log alerts without SMTP", () => {
    expect(alertEnvSchema.parse({})).toEqual({
      ALERT_EMAIL_TO: [],
      ALERT_DIGEST_WINDOW: 900_000,
      ALERT_CLI_COMMAND: "webhook-router",
      ALERT_TOKEN_EXPIRY_DAYS: 7,
    });
  });

  it("reads ALERT_TOKEN_EXPIRY_DAYS as whole days, 0 turning the warning off", () => {
    expect(alertEnvSchema.parse({ ALERT_TOKEN_EXPIRY_DAYS: "0" }).ALERT_TOKEN_EXPIRY_DAYS).toBe(0);
    expect(alertEnvSchema.parse({ ALERT_TOKEN_EXPIRY_DAYS: "14" }).ALERT_TOKEN_EXPIRY_DAYS).toBe(14);
    expect(alertEnvSchema.safeParse({ ALERT_TOKEN_EXPIRY_DAYS: "1.5" }).success).toBe(false);
    expect(alertEnvSchema.safeParse({ ALERT_TOKEN_EXPIRY_DAYS: "-1" }).success).toBe(false);
  });

  it("reads a comma list of recipients and a window with a unit", () => {
    const env = alertEnvSchema.parse({
      SMTP_URL: "smtp://alerts:pw@mail.example.com:587",
      ALERT_EMAIL_TO: "ops@example.com, Finance <finance@example.com>,",
      ALERT_EMAIL_FROM: "Webhook Router <router@example.com>",
      ALERT_DIGEST_WINDOW: "5m",
    });
    expect(env.ALERT_EMAIL_TO).toEqual(["ops@example.com", "Finance <finance@example.com>"]);
    expect(env.ALERT_DIGEST_WINDOW).toBe(300_000);
  });

  it("rejects what would misfire: a bare small window, a bad address, a non-SMTP URL", () => {
    const issues = alertEnvSchema.safeParse({ ALERT_DIGEST_WINDOW: "15", ALERT_EMAIL_TO: "ops", SMTP_URL: "http://mail" }).error?.issues ?? [];
    expect(issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["ALERT_DIGEST_WINDOW", "ALERT_EMAIL_TO.0", "SMTP_URL"]));
  });

  it("merges into the main env schema", () => {
    const merged = envSchema.extend(alertEnvSchema.shape).parse({ ALERT_DIGEST_WINDOW: "1h" });
    expect(merged.ALERT_DIGEST_WINDOW).toBe(3_600_000);
    expect(merged.PORT).toBe(8080);
  });

  it("needs ALERT_EMAIL_TO when SMTP_URL is set", () => {
    const env = alertEnvSchema.parse({ SMTP_URL: "smtp://mail:25" });
    expect(() => alerterOptionsFromEnv(env, captureLogs().logger)).toThrow(ConfigError);
  });

  it("points the spooling email at this process's port", () => {
    const options = alerterOptionsFromEnv({ ...alertEnvSchema.parse({}), PORT: 9090 }, captureLogs().logger);
    expect(options.commands?.readyz()).toBe("curl -sS http://localhost:9090/readyz");
    expect(options.commands?.dlqList("r")).toBe("webhook-router dlq list --route r");
  });
});
