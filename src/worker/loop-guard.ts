import { DeliveryError } from "../adapters/port.js";
import type { CloudEvent } from "../contracts/cloud-event.js";
import type { Outcome } from "../contracts/outcome.js";
import type { CompiledLoopRules } from "../mapping/compile-loop-rules.js";
import { integrationAuthor, reportedRecord, type RecordMark } from "../mapping/loop-rules.js";
import type { EchoStore } from "../state/echo-store.js";

export type EchoOutcome = Extract<Outcome, { kind: "echo" }>;

/**
 * A two-way sync's loop breakers on one event: an event authored by the integration's own user,
 * or one reporting back values the router itself wrote, is an echo and is not delivered.
 * Undefined: deliver it. A state store that cannot answer is a transient failure (no target call).
 */
export async function recognizeEcho(
  rules: CompiledLoopRules,
  echoes: EchoStore | undefined,
  event: CloudEvent,
  enrichment: Readonly<Record<string, unknown>>,
): Promise<EchoOutcome | undefined> {
  const author = await integrationAuthor(rules, event, enrichment);
  if (author !== undefined) return { kind: "echo", rule: "authored-by", author };
  const reported = await reportedRecord(rules, event, enrichment);
  if (!reported || !echoes) return undefined;
  let write: Awaited<ReturnType<EchoStore["match"]>>;
  try {
    write = await echoes.match(reported);
  } catch (error) {
    throw new DeliveryError("transient", `could not look up the route's echo in the state store: ${(error as Error).message}`, { cause: error });
  }
  return write && { kind: "echo", rule: "fingerprint", record: describe(reported), writtenBy: write.routeId };
}

/**
 * Remembers a write the destination confirmed. A store that cannot take it fails the attempt as
 * transient: the write is repeated (the adapters' calls are idempotent) rather than left
 * unremembered, whose echo would then go back to where the values came from.
 */
export async function rememberWrite(echoes: EchoStore | undefined, written: RecordMark, routeId: string, windowMs: number): Promise<void> {
  if (!echoes) return;
  try {
    await echoes.remember(written, routeId, windowMs);
  } catch (error) {
    throw new DeliveryError("transient", `the write was made, but could not be remembered in the state store: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** `tracktile customer cus_100`: what the log says the echo was about. */
function describe(mark: RecordMark): string {
  return `${mark.system} ${mark.entity} ${mark.id}`;
}
