import type { AlertBatch } from "./alert-batch.js";
import { renderCredentials, renderDeadLettered } from "./render-delivery.js";
import { renderBrokerRefused } from "./render-broker-refused.js";
import { renderPollFailed } from "./render-poll.js";
import { renderSpooling, renderSpoolRecovered, renderVerificationFailures } from "./render-ingress.js";
import type { RenderContext, RenderedEmail } from "./render-shared.js";
import { renderTokenExpiring } from "./render-token-expiring.js";

export type { RenderContext, RenderedEmail } from "./render-shared.js";

/** The subject and plain text of the email for one batch: what happened, where, since when, what to run. */
export function renderEmail(batch: AlertBatch, context: RenderContext): RenderedEmail {
  const alert = batch.last;
  switch (alert.kind) {
    case "dead_lettered":
      return renderDeadLettered(batch, alert, context);
    case "credentials":
      return renderCredentials(batch, alert, context);
    case "spooling":
      return renderSpooling(batch, alert, context);
    case "broker_refused":
      return renderBrokerRefused(batch, alert, context);
    case "spool_recovered":
      return renderSpoolRecovered(batch, alert, context);
    case "verification_failures":
      return renderVerificationFailures(batch, alert, context);
    case "poll_failed":
      return renderPollFailed(batch, alert, context);
    case "token_expiring":
      return renderTokenExpiring(batch, alert, context);
  }
}
