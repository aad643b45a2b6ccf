import type { DeadReason } from "../../contracts/outcome.js";
import { type AlertBatch, ENRICHMENT_REASON_SUFFIX } from "./alert-batch.js";
import type { AlertCommands } from "./commands.js";
import { type CredentialsAlert, type DeadLetteredAlert, type FailedEnrichment, UNKNOWN_EVENT_ID } from "./alert.js";
import {
  type RenderContext,
  type RenderedEmail,
  SUBJECT_PREFIX,
  errorBlock,
  facts,
  footer,
  idLines,
  plural,
  reasonList,
  span,
  time,
} from "./render-shared.js";

/** What each dead-letter reason means for the operator: the cause, and what to fix before replaying. */
const REASON_ADVICE: Record<DeadReason, string> = {
  poison: "The message could not be read as an event. A replay will fail the same way: inspect it, and fix the producer that sent it.",
  mapping: "The route's filter or mapping failed on this event. Fix the mapping in routes/, run `webhook-router check`, deploy, then replay.",
  permanent:
    "The destination rejected the event as invalid (a 4xx that retrying cannot change). Fix the data, the mapping or the target, then replay.",
  credentials: "The destination refused the credentials. Rotate them, then replay.",
  exhausted: "Every retry failed: the destination was down or kept erroring. Once it is healthy again, replay.",
};

/** The same reasons when an enrichment call failed: the destination was never called. */
const ENRICHMENT_ADVICE: Partial<Record<DeadReason, string>> = {
  permanent:
    "The enrichment call answered with an error retrying cannot change (a 4xx such as 404: the record is not at that API; or a body that is not JSON). The destination was not called. Check the record and the step's URL in routes/, then replay.",
  credentials: "The API the enrichment step calls refused the credentials in the step's headers. Rotate them, then replay.",
  exhausted:
    "Every retry of the enrichment call failed: the API the route reads from was down or kept erroring. The destination was not called. Once that API is healthy again, replay.",
};

function advice(reasonKey: string): string {
  if (reasonKey.endsWith(ENRICHMENT_REASON_SUFFIX)) {
    const reason = reasonKey.slice(0, -ENRICHMENT_REASON_SUFFIX.length) as DeadReason;
    return ENRICHMENT_ADVICE[reason] ?? REASON_ADVICE[reason] ?? "";
  }
  return REASON_ADVICE[reasonKey as DeadReason] ?? "";
}

const describeEnrichment = (failed: FailedEnrichment) => `enrichment "${failed.step}": ${failed.call}`;

export function renderDeadLettered(batch: AlertBatch, alert: DeadLetteredAlert, context: RenderContext): RenderedEmail {
  const { commands } = context;
  const route = alert.routeId;
  const events = plural(batch.events, "event");
  const single = batch.events === 1;
  const subject = `${SUBJECT_PREFIX} ${events} dead-lettered on route ${route}`;
  const failed = alert.enrichment;
  // Name the enrichment call as what failed: the destination never saw the event.
  const cause = failed && single ? `: its enrichment call "${failed.step}" (${failed.call}) failed, so the destination was not called` : "";
  const summary = single
    ? `Event ${alert.eventId} was dead-lettered on route ${route} ${span(batch)}${cause}. It will not be retried on its own.`
    : `${events} were dead-lettered on route ${route} ${span(batch)}. They will not be retried on their own.`;
  const adviceLines = [...batch.reasons.keys()].map((reason) => `  - ${reason}: ${advice(reason)}`);
  const steps = [
    "What to do",
    "  1. Inspect the dead-lettered events (error, attempts, target status of each):",
    `       ${commands.dlqList(route)}`,
    "  2. Fix the cause:",
    ...adviceLines.map((line) => `  ${line}`),
    ...replaySteps(route, alert.eventId, single, commands),
  ];
  const text = [
    summary,
    "",
    facts([
      ["Route", route],
      [single ? "Failed call" : "Last failed call", failed && describeEnrichment(failed)],
      ["Destination", failed && single && alert.destination !== undefined ? `${alert.destination} (not called)` : alert.destination],
      ["Reason", single ? alert.reason : reasonList(batch.reasons)],
      [single ? (failed ? "Enrichment status" : "Target status") : "Last status", alert.status],
      [single ? "Attempts" : "Last attempts", alert.attempts],
      [single ? "Event" : "Events", single ? alert.eventId : batch.events],
      ["First", single ? undefined : time(batch.firstAt)],
      ["Last", single ? undefined : time(batch.lastAt)],
    ]),
    ...(single ? [] : ["", `Event ids (first ${batch.eventIds.length} of ${batch.events}):`, idLines(batch)]),
    "",
    single ? "Error:" : `Last error (event ${alert.eventId}):`,
    errorBlock(alert.error),
    "",
    ...steps,
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}

export function renderCredentials(batch: AlertBatch, alert: CredentialsAlert, context: RenderContext): RenderedEmail {
  const { commands } = context;
  const route = alert.routeId;
  const single = batch.events === 1;
  const events = plural(batch.events, "event");
  const failed = alert.enrichment;
  const refuser = failed ? `enrichment "${failed.step}"` : `destination ${alert.destination}`;
  const subject = `${SUBJECT_PREFIX} ${events} failed on route ${route}: ${refuser} rejected credentials (${alert.status})`;
  // 401 says "who are you" (expired or wrong secret); 403 says "not allowed" (scopes, role, IP list).
  const meaning =
    alert.status === 403
      ? `answered 403 Forbidden: the credential is accepted but lacks permission (scopes, role, or an IP allow-list).`
      : `answered ${alert.status}: the credential is missing, wrong, revoked or expired.`;
  const rotate = failed
    ? [
        `  1. Rotate the credential in the headers of enrichment step "${failed.step}" of route ${route}: set the new`,
        "     value in the environment variable those headers reference in routes/, and restart the workers.",
      ]
    : [
        `  1. Rotate the credential of destination ${alert.destination}: set the new value in the environment`,
        "     variable its entry in routes/ references (or re-authorize it, for OAuth destinations),",
        "     and restart the workers.",
      ];
  const text = [
    failed ? `Enrichment step "${failed.step}" of route ${route} (${failed.call}) ${meaning}` : `Destination ${alert.destination} ${meaning}`,
    `Retrying will not heal this, so ${single ? "the event was" : `${events} were`} dead-lettered at once on route ${route} ${span(batch)},`,
    `and every further event for this ${failed ? "route" : "destination"} will be too until the credential is fixed.`,
    ...(failed ? [`The destination ${alert.destination} was not called.`] : []),
    "",
    facts([
      ["Route", route],
      ["Failed call", failed && describeEnrichment(failed)],
      ["Destination", failed ? `${alert.destination} (not called)` : alert.destination],
      [failed ? "Enrichment status" : "Target status", alert.status],
      [single ? "Event" : "Events", single ? alert.eventId : batch.events],
      ["Since", time(batch.firstAt)],
    ]),
    ...(single ? [] : ["", `Event ids (first ${batch.eventIds.length} of ${batch.events}):`, idLines(batch)]),
    "",
    single ? "Error:" : `Last error (event ${alert.eventId}):`,
    errorBlock(alert.error),
    "",
    "What to do",
    ...rotate,
    "  2. Check what is waiting:",
    `       ${commands.dlqList(route)}`,
    ...replaySteps(route, alert.eventId, false, commands),
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}

function replaySteps(route: string, eventId: string, single: boolean, commands: AlertCommands): string[] {
  // Without a readable id, only the whole queue can be named.
  if (eventId === UNKNOWN_EVENT_ID) return ["  3. Replay the route's dead-lettered events:", `       ${commands.dlqReplay(route)}`];
  if (single) return ["  3. Replay the event:", `       ${commands.dlqReplay(route, eventId)}`];
  return ["  3. Replay them all:", `       ${commands.dlqReplay(route)}`, "     or one of them:", `       ${commands.dlqReplay(route, eventId)}`];
}
