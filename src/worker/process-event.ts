import type { FailedCall, Outcome } from "../contracts/outcome.js";
import type { Adapter } from "../adapters/port.js";
import type { DeliveryReceipt } from "../contracts/outcome.js";
import { DeliveryError } from "../adapters/port.js";
import { TemplateValueError } from "../adapters/template.js";
import type { CloudEvent } from "../contracts/cloud-event.js";
import type { Claim, ClaimStore } from "../state/claim-store.js";
import type { DeliveryStore } from "../state/delivery-store.js";
import { applyRoute, MappingError, passesFilter } from "../mapping/apply-route.js";
import type { CompiledRoute } from "../mapping/compile-route.js";
import { EnrichmentError, type Enricher } from "./enrich.js";
import { rawMemberText } from "../mapping/raw-member.js";
import { retryDelay } from "./retry-policy.js";
import type { DestinationLimiter, Permit } from "./destination-limiter.js";
import type { EchoStore } from "../state/echo-store.js";
import { writtenRecord } from "../mapping/loop-rules.js";
import { recognizeEcho, rememberWrite } from "./loop-guard.js";

export interface ProcessDeps {
  readonly compiled: CompiledRoute;
  readonly adapter: Adapter;
  readonly store: DeliveryStore;
  readonly enrich: Enricher;
  readonly timeoutMs: number;
  readonly claims: ClaimDeps;
  /** The destination's limits, when it has any: the delivery waits for its turn before calling. */
  readonly limiter?: DestinationLimiter | undefined;
  /** Two-way sync: the writes routes remember, which their echoes are recognized by. */
  readonly echoes?: EchoStore | undefined;
}

const NO_ENRICHMENT: Readonly<Record<string, unknown>> = Object.freeze({});

/** How this process claims an event before delivering it (see ClaimStore). */
export interface ClaimDeps {
  readonly store: ClaimStore;
  /** This process, as the claim rows name it. */
  readonly owner: string;
  /** Longer than the slowest attempt can take: enrichment and target timeouts plus a margin. */
  readonly leaseMs: number;
}

/**
 * One attempt at one event on one route: filter (the event alone) → echo checks → claim (and dedup)
 * → enrich → when → map → deliver → remember the write, and the decision of what happens next.
 * The echo checks (two-way sync) run after enrichment instead when they read its results. Never throws: every failure becomes an
 * Outcome, so no message can block its queue. The claim makes this the only delivery of the
 * (route, event id) in progress anywhere; it is released when the attempt ends, whatever its
 * outcome. `messageText` is the message body the event was parsed from: a route without a
 * mapping sends its `data` member's original bytes.
 */
export async function processEvent(deps: ProcessDeps, event: CloudEvent, attempt: number, messageText?: string): Promise<Outcome> {
  const { route } = deps.compiled;
  let calledAt: number | undefined;
  let claim: Claim | undefined;
  let permit: Permit | undefined;
  try {
    // A filtered event makes no call of any kind, not even a claim.
    if (!(await passesFilter(deps.compiled, event))) return { kind: "filtered", stage: "filter" };
    const loop = deps.compiled.loop;
    if (loop && !loop.checksNeedEnrichment) {
      const echo = await recognizeEcho(loop, deps.echoes, event, NO_ENRICHMENT);
      if (echo) return echo;
    }
    // The claim is the dedup check too: it is refused for a pair already recorded as delivered.
    const taken = await claimEvent(deps, event.id);
    if (taken.kind === "delivered") return { kind: "duplicate" };
    if (taken.kind === "busy") return { kind: "busy", delayMs: retryDelay(route.retry, 2), heldBy: taken.owner };
    claim = taken.claim;
    const enrichment = await deps.enrich(event);
    if (loop?.checksNeedEnrichment) {
      const echo = await recognizeEcho(loop, deps.echoes, event, enrichment);
      if (echo) return echo;
    }
    const result = await applyRoute(deps.compiled, event, enrichment);
    if (result.filtered) return { kind: "filtered", stage: result.filtered };
    // Worked out before the call: a `remember` that fails on this event must not follow a write.
    const written = loop ? await writtenRecord(loop, result.payload, event, enrichment) : undefined;
    const payloadJson = deps.compiled.identity && messageText !== undefined ? rawMemberText(messageText, "data") : undefined;
    // Past the limit, the event waits in its queue at the same attempt: the target is not called.
    const turn = deps.limiter ? await takeTurn(deps.limiter) : undefined;
    if (turn?.kind === "held") return { kind: "busy", delayMs: retryDelay(route.retry, 2), limit: deps.limiter!.key };
    permit = turn?.permit;
    calledAt = performance.now();
    // Like AbortSignal.timeout(), but the timer goes as soon as the call is over: timeout()'s
    // stays armed (with a weak reference) for the whole timeout, thousands of them under load.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), deps.timeoutMs);
    timer.unref();
    let receipt: DeliveryReceipt;
    try {
      receipt = await deps.adapter.deliver({
        eventId: event.id,
        routeId: route.id,
        payload: result.payload,
        payloadJson,
        event,
        attempt,
        signal: deadline.signal,
        gate: permit,
      });
    } finally {
      clearTimeout(timer);
      // At once, before the record is written: the next call may go as soon as this one is over.
      permit?.release().catch(() => {});
      permit = undefined;
    }
    const targetMs = performance.now() - calledAt;
    // Only once the destination confirmed the write; before the dedup record, so a failure here
    // repeats the (idempotent) write and remembers it then.
    if (written) await rememberWrite(deps.echoes, written, route.id, loop!.remember!.windowMs);
    const marked = deps.store.markDelivered(route.id, event.id, receipt.targetId);
    // Released only behind the record (on SQLite in the same commit), so no copy can slip in between.
    deps.claims.store.release(claim, marked).catch(() => {});
    claim = undefined;
    await marked;
    return { kind: "delivered", receipt, targetMs };
  } catch (error) {
    const outcome = decide(deps, error, attempt, calledAt !== undefined);
    return calledAt === undefined || outcome.kind === "duplicate" || outcome.kind === "filtered" || outcome.kind === "echo" || outcome.kind === "busy"
      ? outcome
      : { ...outcome, targetMs: performance.now() - calledAt };
  } finally {
    // Not awaited: the outcome does not depend on it, and a release that fails (store down)
    // only means the claim runs out its lease.
    if (claim) deps.claims.store.release(claim).catch(() => {});
    permit?.release().catch(() => {});
  }
}

/** The limiter's answer; a store that cannot answer is a transient failure (no target call). */
async function takeTurn(limiter: DestinationLimiter) {
  try {
    return await limiter.acquire();
  } catch (error) {
    throw new DeliveryError("transient", `could not take a turn within the destination's limits: ${(error as Error).message}`, { cause: error });
  }
}

/** The claim, or why not; a store that cannot answer is a transient failure (no target call). */
async function claimEvent(deps: ProcessDeps, eventId: string) {
  const { store, owner, leaseMs } = deps.claims;
  try {
    return await store.claim(deps.compiled.route.id, eventId, owner, leaseMs);
  } catch (error) {
    throw new DeliveryError("transient", `could not claim the event in the state store: ${(error as Error).message}`, { cause: error });
  }
}

function decide(deps: ProcessDeps, error: unknown, attempt: number, calledTarget: boolean): Outcome {
  const { retry } = deps.compiled.route;
  const message = error instanceof Error ? error.message : String(error);
  // A URL or routing-key placeholder without a usable value: the mapping's fault, nothing was sent.
  if (error instanceof MappingError || error instanceof TemplateValueError) return { kind: "dead", reason: "mapping", error: message };
  const failure = error instanceof DeliveryError ? error : new DeliveryError("transient", `unexpected error: ${message}`, { cause: error });
  const failedCall: FailedCall | undefined =
    error instanceof EnrichmentError
      ? { stage: "enrichment", step: error.step, call: error.call }
      : calledTarget && error instanceof DeliveryError
        ? { stage: "destination" }
        : undefined;
  const status = failure.status;
  if (failure.kind === "permanent" || failure.kind === "credentials") {
    return { kind: "dead", reason: failure.kind, error: failure.message, status, failedCall };
  }
  if (attempt >= retry.attempts) {
    return { kind: "dead", reason: "exhausted", error: `${failure.message} (after ${attempt} attempts)`, status, failedCall };
  }
  const next = attempt + 1;
  return { kind: "retry", next, delayMs: retryDelay(retry, next, failure.retryAfterMs), error: failure.message, status, failedCall };
}
