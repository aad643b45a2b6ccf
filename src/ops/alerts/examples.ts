import { fileURLToPath } from "node:url";
import { type AlertBatch, addToBatch, startBatch } from "./alert-batch.js";
import type { Alert } from "./alert.js";
import { createCommands } from "./commands.js";
import { DEFAULT_DIGEST_WINDOW_MS } from "./create-alerter.js";
import { type RenderedEmail, renderEmail } from "./render-email.js";

/**
 * One email of each kind, as operators receive them, for the README and for review. Run
 * `npx tsx src/ops/alerts/examples.ts` to print them.
 */
export function exampleEmails(): Record<string, RenderedEmail> {
  const context = { commands: createCommands(), windowMs: DEFAULT_DIGEST_WINDOW_MS };
  const t0 = Date.parse("2025-06-03T10:02:00Z");
  const at = (seconds: number): Date => new Date(t0 + seconds * 1000);
  const route = { routeId: "orders-to-quickbooks", destination: "quickbooks-prod" };

  const deadLettered: Alert = {
    kind: "dead_lettered",
    ...route,
    eventId: "ord_8f3a2c",
    reason: "permanent",
    status: 400,
    attempts: 1,
    error: 'QuickBooks answered 400: ValidationFault "Invalid Reference Id: Customer 58 does not exist" (code 2500)',
  };
  const enrichmentFailed: Alert = {
    kind: "dead_lettered",
    ...route,
    eventId: "evt_ord_7f3a91",
    reason: "permanent",
    status: 404,
    attempts: 1,
    error: 'enrichment order of route orders-to-quickbooks (GET api.tracktile.io/orders/ord_8841) answered 404: {"status":404,"message":"Not found"}',
    enrichment: { step: "order", call: "GET api.tracktile.io/orders/ord_8841" },
  };
  const outage = Array.from(
    { length: 37 },
    (_, i): Alert => ({
      kind: "dead_lettered",
      ...route,
      eventId: `ord_${(0x9000 + i).toString(16)}`,
      reason: i < 35 ? "exhausted" : "permanent",
      status: 503,
      attempts: 5,
      error: "QuickBooks answered 503: Service Unavailable (after 5 attempts)",
    }),
  );
  const credentials: Alert = {
    kind: "credentials",
    ...route,
    eventId: "ord_8f3b01",
    status: 401,
    error: "QuickBooks answered 401: AuthenticationFailed: Token expired: [redacted]",
  };
  const spooling: Alert = { kind: "spooling", since: at(0), depth: 1234 };
  const refused: Alert = {
    kind: "broker_refused",
    since: at(0),
    broker: "amqp://router@rabbit.internal:5672",
    code: "ACCESS_REFUSED",
    detail:
      "RabbitMQ at amqp://router@rabbit.internal:5672 refused the credentials (ACCESS_REFUSED): check the user and password in AMQP_URL (RabbitMQ's guest user may only connect from localhost)",
    depth: 12,
  };
  const recovered: Alert = { kind: "spool_recovered", since: at(0), until: at(23 * 60), peakDepth: 4817 };
  const verification: Alert = {
    kind: "verification_failures",
    sourceId: "tracktile",
    count: 20,
    reasons: { bad_signature: 18, timestamp_out_of_tolerance: 2 },
    firstAt: at(0),
  };

  const pollFailed: Alert = {
    kind: "poll_failed",
    sourceId: "tracktile-products",
    reason: "credentials",
    status: 401,
    error: 'GET https://api.tracktile.io/products answered 401: the credential is refused ({"status":401,"message":"Invalid or expired token"})',
    failingSince: at(0),
  };
  const expiring: Alert = {
    kind: "token_expiring",
    destination: "trackvia-jobs",
    destinationKind: "trackvia",
    what: "refresh token",
    expiresAt: at(3 * 86_400),
    source: "token endpoint",
    routes: ["orders-to-trackvia"],
  };

  return {
    poll_failed: renderEmail(startBatch(pollFailed, at(0), false), context),
    dead_lettered: renderEmail(startBatch(deadLettered, at(5), false), context),
    dead_lettered_enrichment: renderEmail(startBatch(enrichmentFailed, at(6), false), context),
    dead_lettered_digest: renderEmail(batchOf(outage, at(60), 20), context),
    credentials: renderEmail(startBatch(credentials, at(7), false), context),
    spooling: renderEmail(startBatch(spooling, at(12 * 60), false), context),
    broker_refused: renderEmail(startBatch(refused, at(15), false), context),
    broker_refused_workers: renderEmail(startBatch({ ...refused, side: "workers", depth: undefined }, at(15), false), context),
    spool_recovered: renderEmail(startBatch(recovered, at(23 * 60), false), context),
    verification_failures: renderEmail(startBatch(verification, at(41), false), context),
    token_expiring: renderEmail(startBatch(expiring, at(0), false), context),
  };
}

function batchOf(alerts: readonly Alert[], start: Date, everySeconds: number): AlertBatch {
  const [first, ...rest] = alerts;
  if (!first) throw new Error("batchOf needs an alert");
  const batch = startBatch(first, start, true);
  rest.forEach((alert, i) => addToBatch(batch, alert, new Date(start.getTime() + (i + 1) * everySeconds * 1000)));
  return batch;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, email] of Object.entries(exampleEmails())) {
    console.log(`===== ${name} =====\nSubject: ${email.subject}\n\n${email.text}\n`);
  }
}
