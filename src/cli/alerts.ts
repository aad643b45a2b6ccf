import { loadEnvFor } from "../env.js";
import { alertsQuery } from "../ops/admin/alerts-route.js";
import { type AlertView, createDeliveryLogReader, describeIssues } from "../ops/delivery-log/index.js";
import { openStore } from "./open-store.js";

export interface AlertsOptions {
  readonly limit?: string | undefined;
  readonly kind?: string | undefined;
  readonly before?: string | undefined;
}

/**
 * `webhook-router alerts [--limit N] [--kind K]`: the alerts journal, newest first, one line per
 * email sent or failed and per digest held — read straight from the state store. Returns the exit code.
 */
export async function alerts(options: AlertsOptions, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnvFor(["DATA_DIR", "DATABASE_URL"]);
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const parsed = alertsQuery.safeParse(given);
  if (!parsed.success) {
    console.error(`webhook-router alerts: ${describeIssues(parsed.error)}`);
    return 2;
  }
  const db = await openStore(env.DATA_DIR, env.DATABASE_URL);
  try {
    const page = await createDeliveryLogReader(db).alerts(parsed.data);
    for (const alert of page.alerts) print(formatAlert(alert));
    print(`${page.alerts.length} alert(s)${page.next ? ` (older ones: --before ${page.next})` : ""}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

/** `<at>  <status>  <kind>  <subject>  to <a, b>  [held N]  [event <id>]  [error …]` */
export function formatAlert(alert: AlertView): string {
  return [
    alert.at,
    alert.status.padEnd(6),
    alert.kind,
    alert.subject,
    `to ${alert.recipients.join(", ") || "-"}`,
    ...(alert.heldCount === undefined ? [] : [`${alert.status === "held" ? "holding" : "digest of"} ${alert.heldCount}`]),
    ...(alert.eventId === null ? [] : [`event ${alert.eventId}`]),
    ...(alert.error === undefined ? [] : [`error ${alert.error.replace(/\s+/g, " ").slice(0, 200)}`]),
  ].join("  ");
}
