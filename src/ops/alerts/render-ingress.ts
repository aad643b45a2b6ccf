import type { AlertBatch } from "./alert-batch.js";
import type { SpoolingAlert, SpoolRecoveredAlert, VerificationFailuresAlert } from "./alert.js";
import { type RenderContext, type RenderedEmail, SUBJECT_PREFIX, duration, facts, footer, plural, reasonList, span, time } from "./render-shared.js";

/** Verification reason codes (src/verify/verifier.ts) in words, with their usual cause. */
const VERIFICATION_HINTS: Record<string, string> = {
  bad_signature: "the signature does not match: usually a rotated secret, sometimes a proxy that rewrites the body",
  missing_signature: "no signature at all: a sender not configured to sign, or someone probing",
  malformed_signature: "a signature header that cannot be read: the wrong preset for this sender, or probing",
  timestamp_out_of_tolerance: "a signed timestamp too old or too new: clock skew, or a replayed request",
};

export function renderSpooling(batch: AlertBatch, alert: SpoolingAlert, context: RenderContext): RenderedEmail {
  const { commands } = context;
  const since = batch.firstAt;
  const outage = duration(batch.lastAt.getTime() - since.getTime());
  const subject = `${SUBJECT_PREFIX} broker unreachable: ingress spooling events locally since ${time(since)}`;
  const text = [
    `Ingress cannot get confirms from RabbitMQ and has been writing incoming events to its local spool since ${time(since)} (${outage}).`,
    "Senders still get 202 and nothing is lost while the spool has room; the spool is replayed to the",
    "broker on its own when the broker is back. Workers receive nothing in the meantime, and once the",
    "spool reaches SPOOL_MAX_BYTES ingress answers 503 and senders must retry.",
    "",
    facts([
      ["Spooling since", time(since)],
      ["Events in spool", alert.depth],
      ["As of", time(batch.lastAt)],
    ]),
    "",
    "What to check",
    "  1. Ingress readiness (answers 200 while the broker or the spool can take events):",
    `       ${commands.readyz()}`,
    "  2. The broker, on the RabbitMQ host:",
    `       ${commands.brokerCheck()}`,
    "     then that this host can reach it on the address in AMQP_URL (firewall, DNS, credentials),",
    "     and RabbitMQ's own alarms (disk or memory) that block publishers.",
    "  3. When the broker is back, watch the spool drain: the depth falls to 0 and /readyz reports the broker.",
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}

export function renderSpoolRecovered(batch: AlertBatch, alert: SpoolRecoveredAlert, context: RenderContext): RenderedEmail {
  const { commands } = context;
  const outage = duration(alert.until.getTime() - alert.since.getTime());
  const subject = `${SUBJECT_PREFIX} recovered: broker reachable again, spool drained after ${outage}`;
  const text = [
    `Ingress publishes to RabbitMQ directly again. Every event it spooled from ${time(alert.since)} to ${time(alert.until)}`,
    "has been published to the broker and confirmed, in the order it arrived, and the local spool is empty.",
    "Workers are catching up on the backlog now; nothing needs to be replayed by hand.",
    "",
    facts([
      ["Spooling from", time(alert.since)],
      ["Direct again by", time(alert.until)],
      ["Outage", outage],
      ["Most events in spool", alert.peakDepth],
    ]),
    "",
    "What to check",
    "  1. Ingress readiness reports the broker again:",
    `       ${commands.readyz()}`,
    "  2. The route queues drain as workers catch up (RabbitMQ management UI, or the metrics).",
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}

export function renderVerificationFailures(batch: AlertBatch, alert: VerificationFailuresAlert, context: RenderContext): RenderedEmail {
  const source = alert.sourceId;
  const failures = plural(batch.events, "failed signature verification");
  const subject = `${SUBJECT_PREFIX} ${failures} on source ${source}`;
  const hints = [...batch.reasons.keys()]
    .filter((reason) => VERIFICATION_HINTS[reason] !== undefined)
    .map((reason) => `  - ${reason}: ${VERIFICATION_HINTS[reason]}`);
  const text = [
    `Source ${source} had ${failures} ${span(batch)}.`,
    "Each request was answered 401 and its event was not accepted; a sender that retries will be",
    "accepted once verification passes again.",
    "",
    facts([
      ["Source", source],
      ["Failures", batch.events],
      ["Reasons", reasonList(batch.reasons)],
      ["First", time(batch.firstAt)],
      ["Last", time(batch.lastAt)],
    ]),
    ...(hints.length === 0 ? [] : ["", "What the reasons usually mean", ...hints]),
    "",
    "What to do",
    `  1. Find the requests: ingress log lines "webhook rejected" with source ${source}`,
    "     carry each failure's reason and client ip.",
    "  2. If the sender rotated its signing secret: add the new secret to the source's secrets in",
    "     routes/ (several can be active during a rotation), restart ingress, then remove the old one.",
    "  3. If the requests come from addresses that are not the sender's: someone is probing;",
    "     block them at the proxy or firewall. Nothing was accepted.",
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}
