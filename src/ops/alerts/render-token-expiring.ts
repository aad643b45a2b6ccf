import type { AlertBatch } from "./alert-batch.js";
import type { TokenExpiringAlert } from "./alert.js";
import { type RenderContext, type RenderedEmail, SUBJECT_PREFIX, duration, facts, time } from "./render-shared.js";

/** Per kind: how a person gets a new credential. Generic advice for the others. */
const RENEW: Readonly<Record<string, readonly string[]>> = {
  trackvia: [
    "  1. Log in to TrackVia as the integration's API user and get a new refresh token, or configure",
    "     username and password on the destination: the router then logs in again by itself.",
  ],
  quickbooks: ["  1. Re-authorize the app in Intuit's developer portal (OAuth playground) for this company to get a new refresh token."],
  tracktile: ["  1. Create a new API token in Tracktile (Settings → API tokens) before the old one expires."],
};

/** The email: which destination's what expires when, what breaks then, and how to renew it. */
export function renderTokenExpiring(batch: AlertBatch, alert: TokenExpiringAlert, context: RenderContext): RenderedEmail {
  void context;
  const left = alert.expiresAt.getTime() - batch.lastAt.getTime();
  const when = left <= 0 ? `expired ${roughly(-left)} ago` : `expires in ${roughly(left)}`;
  const subject = `${SUBJECT_PREFIX} The ${alert.what} of destination ${alert.destination} ${when} (${time(alert.expiresAt)})`;
  const routes = alert.routes.length > 0 ? alert.routes.join(", ") : "(none)";
  const text = [
    `The ${alert.what} of destination ${alert.destination} (${alert.destinationKind}) ${when}, at ${time(alert.expiresAt)}.`,
    left <= 0
      ? "Every call to it fails now (401): events for it are dead-lettered as `credentials` until a person renews it."
      : "Once it expires, every call to it fails (401) and events for it are dead-lettered as `credentials`: renew it before then.",
    "",
    facts([
      ["Destination", `${alert.destination} (${alert.destinationKind})`],
      ["Expires", time(alert.expiresAt)],
      ["Known from", alert.source],
      ["Routes", routes],
    ]),
    "",
    "What to do",
    ...(RENEW[alert.destinationKind] ?? [`  1. Get a new ${alert.what} from the ${alert.destinationKind} side.`]),
    "  2. Set it in the environment variable the destination's entry in routes/ references (and its",
    "     expiry date, if the entry declares one), then restart the workers.",
    "",
    "--",
    "This warning is sent at most once a day per destination, starting ALERT_TOKEN_EXPIRY_DAYS days ahead.",
    "Sent by webhook-router. Routes, destinations and events are named by id; credentials are never included.",
  ].join("\n");
  return { subject, text };
}

/** Days once it is two or more: "3 days" reads better than "72 h" in a subject. */
function roughly(ms: number): string {
  const days = Math.round(ms / 86_400_000);
  return days >= 2 ? `${days} days` : duration(ms);
}
