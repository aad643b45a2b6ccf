import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { encodeTokenExpiry, tokenExpiryKey } from "../../../src/contracts/token-expiry.js";
import type { TokenExpiringAlert } from "../../../src/ops/alerts/index.js";
import { watchTokenExpiry } from "../../../src/ops/token-expiry-watch.js";

const DAY = 86_400_000;
const NOW = Date.parse("2027-03-01T09:00:00Z");

function table(tokenExpiresAt?: string) {
  const dir = mkdtempSync(join(tmpdir(), "wr-expiry-"));
  writeFileSync(
    join(dir, "routes.yaml"),
    `
sources:
  erp: { verify: { preset: header-token, header: x-token, secret: s3cret-value } }
destinations:
  tracktile-api:
    kind: tracktile
    url: /customers/{payload.id}
    method: PUT
    token: api-abcdef123456${tokenExpiresAt ? `\n    tokenExpiresAt: "${tokenExpiresAt}"` : ""}
  books: { kind: http, url: "https://books.example.com/in" }
routes:
  customers-to-tracktile:
    events: erp.customer.*
    destination: tracktile-api
    failureEmails: [crm@example.com]
`,
  );
  return loadRoutes(dir, {});
}

function watch(options: { expiresAt?: string; days?: number; now?: () => number; tokens?: ReturnType<typeof createMemoryTokenStore> }) {
  const alerts: TokenExpiringAlert[] = [];
  const tokens = options.tokens ?? createMemoryTokenStore();
  const watcher = watchTokenExpiry({
    table: table(options.expiresAt),
    tokens,
    days: options.days ?? 7,
    notify: (alert) => alerts.push(alert),
    logger: pino({ level: "silent" }),
    now: options.now ?? (() => NOW),
  });
  return { alerts, tokens, watcher };
}

describe("token expiry warnings", () => {
  it("a configured expiry within the days: one alert naming the destination, its routes and their owners", async () => {
    const { alerts, watcher } = watch({ expiresAt: new Date(NOW + 3 * DAY).toISOString() });
    await watcher.checkAll();
    watcher.stop();
    expect(alerts).toEqual([
      {
        kind: "token_expiring",
        destination: "tracktile-api",
        destinationKind: "tracktile",
        what: "API token",
        expiresAt: new Date(NOW + 3 * DAY),
        source: "configuration",
        routes: ["customers-to-tracktile"],
        recipients: ["crm@example.com"],
      },
    ]);
  });

  it("once a day: a second check the same day is quiet, the next day warns again", async () => {
    let now = NOW;
    const { alerts, watcher } = watch({ expiresAt: new Date(NOW + 3 * DAY).toISOString(), now: () => now });
    await watcher.checkAll();
    now += 23 * 3_600_000;
    await watcher.checkAll();
    expect(alerts).toHaveLength(1);
    now += 2 * 3_600_000;
    await watcher.checkAll();
    watcher.stop();
    expect(alerts).toHaveLength(2);
  });

  it("processes sharing a token store send one warning between them", async () => {
    const tokens = createMemoryTokenStore();
    const expiresAt = new Date(NOW + DAY).toISOString();
    const a = watch({ expiresAt, tokens });
    const b = watch({ expiresAt, tokens });
    await Promise.all([a.watcher.checkAll(), b.watcher.checkAll()]);
    a.watcher.stop();
    b.watcher.stop();
    expect(a.alerts.length + b.alerts.length).toBe(1);
  });

  it("nothing further out than the days, and nothing with ALERT_TOKEN_EXPIRY_DAYS=0", async () => {
    const far = watch({ expiresAt: new Date(NOW + 8 * DAY).toISOString() });
    const off = watch({ expiresAt: new Date(NOW + DAY).toISOString(), days: 0 });
    await far.watcher.checkAll();
    await off.watcher.checkAll();
    far.watcher.stop();
    off.watcher.stop();
    expect([...far.alerts, ...off.alerts]).toEqual([]);
  });

  it("an expiry an adapter records is checked at once, and beats the configuration's", async () => {
    const { alerts, watcher } = watch({ expiresAt: new Date(NOW + 30 * DAY).toISOString() });
    await watcher.checkAll();
    expect(alerts).toEqual([]);
    await watcher.tokens.set(
      tokenExpiryKey("tracktile-api"),
      encodeTokenExpiry({ what: "API token", expiresAt: new Date(NOW + 2 * DAY).toISOString() }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    watcher.stop();
    expect(alerts).toMatchObject([{ destination: "tracktile-api", source: "token endpoint", expiresAt: new Date(NOW + 2 * DAY) }]);
  });

  it("an expired token is still warned about", async () => {
    const { alerts, watcher } = watch({ expiresAt: new Date(NOW - DAY).toISOString() });
    await watcher.checkAll();
    watcher.stop();
    expect(alerts).toHaveLength(1);
  });
});
