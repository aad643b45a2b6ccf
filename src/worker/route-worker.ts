import type { ConfirmChannel, ConsumeMessage } from "amqplib";
import { copyMessage } from "../broker/copy-message.js";
import type { Logger } from "pino";
import type { RouteQueues } from "../broker/route-topology.js";
import { parseEventMessage } from "./parse-event-message.js";
import { processEvent, type ProcessDeps } from "./process-event.js";
import type { Outcome } from "../contracts/outcome.js";
import { attemptOf, settlement } from "./settlement.js";
import { CALLBACK_PAYLOAD_HEADER, CALLBACK_URL_HEADER, SYNC_STATUS_HEADER } from "../contracts/sync-call.js";
import { callbackPayload, postCallback, type CallbackSettings } from "./callback-post.js";
import type { CloudEvent } from "../contracts/cloud-event.js";
import { syncAnswer } from "./sync-reply.js";
import type { CallbackStore } from "../state/callback-store.js";

export interface RouteWorkerDeps extends ProcessDeps {
  readonly queues: RouteQueues;
  readonly logger: Logger;
  /** Told of every outcome (delivery log, alerts, metrics). */
  readonly onOutcome?: (outcome: Outcome, context: { routeId: string; eventId: string | undefined; attempt: number }) => void;
  /** Set when the route answers an asynchronous API endpoint: where and how its results are POSTed. */
  readonly callback?: CallbackSettings | undefined;
  /** Where an asynchronous call's result waits until its callback is settled (with `callback`). */
  readonly callbacks?: CallbackStore | undefined;
}

/**
 * Consumes one route's queue on one confirm channel: each message is processed inside one error
 * boundary, then acked only after its next home (retry queue, dead-letter queue) has confirmed
 * it — so an event is always in exactly one queue or delivered, never nowhere.
 */
export class RouteWorker {
  #inFlight = new Set<Promise<void>>();
  #consumerTag: string | undefined;

  constructor(
    private readonly deps: RouteWorkerDeps,
    private readonly channel: ConfirmChannel,
  ) {}

  async start(): Promise<void> {
    await this.channel.prefetch(this.deps.compiled.route.concurrency);
    const { consumerTag } = await this.channel.consume(this.deps.queues.main, (message) => {
      if (!message) return; // the broker cancelled us (queue deleted); the reconnect will redeclare
      const work = this.#handle(message).finally(() => this.#inFlight.delete(work));
      this.#inFlight.add(work);
    });
    this.#consumerTag = consumerTag;
  }

  /** Stops taking messages and waits (at most `ms`) for those in hand. */
  async stop(ms: number): Promise<void> {
    if (this.#consumerTag) await this.channel.cancel(this.#consumerTag).catch(() => {});
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), timeout]);
    // A graceful channel close lets the broker process the last acks before the connection goes.
    await this.channel.close().catch(() => {});
  }

  async #handle(message: ConsumeMessage): Promise<void> {
    const { route } = this.deps.compiled;
    const attempt = attemptOf(message.properties.headers);
    const callbackUrl = message.properties.headers?.[CALLBACK_URL_HEADER];
    if (route.sync && typeof callbackUrl === "string" && this.deps.callback) {
      return this.#handleAsync(message, callbackUrl, attempt, this.deps.callback);
    }
    const parsed = parseEventMessage(message.content);
    const outcome: Outcome = parsed.ok
      ? await processEvent(this.deps, parsed.event, attempt, parsed.text)
      : { kind: "dead", reason: "poison", error: parsed.error };
    const eventId = parsed.ok ? parsed.event.id : (message.properties.messageId as string | undefined);
    // Answered before settling: the caller waits on it, and the settlement changes nothing it says.
    const replied =
      route.sync && typeof message.properties.replyTo === "string" && (await this.#reply(message, outcome, parsed.ok ? parsed.event : undefined));
    try {
      // A failed sync call is answered, not dead-lettered: its caller holds the request and decides.
      if (replied) this.channel.ack(message);
      else await this.#settle(message, outcome, attempt);
    } catch (error) {
      // Could not move it on (channel closed, publish refused): leave it unacked. The broker gives
      // it back after a reconnect, and the dedup record makes that harmless.
      this.deps.logger.warn({ route: route.id, id: eventId, err: (error as Error).message }, "could not settle message; it will be redelivered");
      return;
    }
    this.#log(outcome, route.id, eventId, attempt);
    this.deps.onOutcome?.(outcome, { routeId: route.id, eventId, attempt });
  }

  /**
   * An asynchronous call: the route runs once (its first message), its answer becomes the callback's
   * payload, and the POST is the step that is retried — a copy whose body is the payload goes
   * through the route's delay queues, then to its dead-letter queue, like any delivery. The payload
   * is kept in the state store until the callback is settled, and the call's message acked only
   * then: if the broker refuses the copy, the message comes back and re-posts the kept payload,
   * without running the route again.
   */
  async #handleAsync(message: ConsumeMessage, url: string, attempt: number, callback: CallbackSettings): Promise<void> {
    const { route } = this.deps.compiled;
    const id = String(message.properties.messageId);
    const carried = Boolean(message.properties.headers?.[CALLBACK_PAYLOAD_HEADER]);
    let payload = carried ? message.content.toString("utf8") : await this.#keptPayload(id);
    if (payload === undefined) {
      const parsed = parseEventMessage(message.content);
      const outcome: Outcome = parsed.ok
        ? await processEvent(this.deps, parsed.event, attempt, parsed.text)
        : { kind: "dead", reason: "poison", error: parsed.error };
      this.#log(outcome, route.id, id, attempt);
      this.deps.onOutcome?.(outcome, { routeId: route.id, eventId: id, attempt });
      // Already run and its callback settled (a repeated Idempotency-Key): nothing more to send.
      const answer =
        outcome.kind === "duplicate" ? undefined : await syncAnswer(outcome, parsed.ok ? parsed.event : undefined, this.deps.compiled.response);
      if (!answer) {
        await this.#settleOrRequeue(message, outcome, attempt, id);
        return;
      }
      payload = callbackPayload(id, answer);
      await this.deps.callbacks?.keep(route.id, id, payload).catch((error: unknown) => {
        this.deps.logger.warn({ route: route.id, id, err: (error as Error).message }, "could not keep the callback's payload in the state store");
      });
    }
    const failed = await postCallback(url, payload, id, attempt, callback);
    if (failed)
      this.deps.logger.warn({ route: route.id, id, attempt, status: failed.status, err: failed.error, next: failed.kind }, "callback failed");
    else this.deps.logger.info({ route: route.id, id, attempt }, "callback delivered");
    const carrying = {
      ...message,
      content: Buffer.from(payload),
      properties: {
        ...message.properties,
        contentType: "application/json",
        headers: { ...message.properties.headers, [CALLBACK_PAYLOAD_HEADER]: 1 },
      },
    };
    // The ack is of `message` itself: `carrying` is its copy, for the next home, with the same delivery tag.
    const settled = await this.#settleOrRequeue(carrying, failed ?? { kind: "duplicate" }, attempt, id);
    if (settled && !carried) {
      await this.deps.callbacks?.settled(route.id, id).catch((error: unknown) => {
        this.deps.logger.warn({ route: route.id, id, err: (error as Error).message }, "could not forget a settled callback's payload");
      });
    }
  }

  /** The payload kept for a call whose callback was not settled (a redelivery); undefined when none, or the store cannot say. */
  async #keptPayload(id: string): Promise<string | undefined> {
    const { callbacks, compiled, logger } = this.deps;
    const kept = await callbacks?.pending(compiled.route.id, id).catch((error: unknown) => {
      logger.warn({ route: compiled.route.id, id, err: (error as Error).message }, "could not read the state store for a kept callback");
      return undefined;
    });
    if (kept !== undefined) logger.info({ route: compiled.route.id, id }, "callback not settled before: posting its kept result again");
    return kept;
  }

  /**
   * Settles the message; when the broker will not take its next home (a copy nacked, a closed
   * channel), gives it back instead — after the route's base delay, so a broker that keeps refusing
   * is not hammered — and resolves false. On a closed channel the broker has given it back already.
   */
  async #settleOrRequeue(message: ConsumeMessage, outcome: Outcome, attempt: number, id: string): Promise<boolean> {
    const { route } = this.deps.compiled;
    try {
      await this.#settle(message, outcome, attempt);
      return true;
    } catch (error) {
      this.deps.logger.warn({ route: route.id, id, err: (error as Error).message }, "could not settle message; it will be redelivered");
    }
    await new Promise((resolve) => setTimeout(resolve, route.retry.baseDelay));
    try {
      this.channel.nack(message, false, true);
    } catch {
      // The channel is gone: the broker has requeued every message it had delivered on it.
    }
    return false;
  }

  /**
   * A sync call's answer, to the caller's direct reply-to address. Not confirmed: if the caller's
   * ingress is gone (or past the deadline) nobody reads it, and the broker drops it.
   */
  async #reply(message: ConsumeMessage, outcome: Outcome, event: CloudEvent | undefined): Promise<boolean> {
    const answer = await syncAnswer(outcome, event, this.deps.compiled.response);
    if (!answer) return false;
    const { replyTo, correlationId } = message.properties as { replyTo: string; correlationId?: string };
    try {
      this.channel.publish("", replyTo, Buffer.from(answer.body), {
        correlationId,
        contentType: "application/json",
        headers: { [SYNC_STATUS_HEADER]: answer.status },
      });
    } catch (error) {
      this.deps.logger.warn({ route: this.deps.compiled.route.id, id: event?.id, err: (error as Error).message }, "could not send the sync answer");
      return false;
    }
    this.deps.logger.info({ route: this.deps.compiled.route.id, id: event?.id, status: answer.status }, "sync call answered");
    return true;
  }

  async #settle(message: ConsumeMessage, outcome: Outcome, attempt: number): Promise<void> {
    const { queues, compiled } = this.deps;
    const incoming = { headers: message.properties.headers, routingKey: message.fields.routingKey };
    const next = settlement(outcome, attempt, incoming, { id: compiled.route.id, queues });
    if (next.kind === "copy") await copyMessage(this.channel, next.queue, message, next.headers, next.expiration);
    this.channel.ack(message);
  }

  #log(outcome: Outcome, routeId: string, eventId: string | undefined, attempt: number): void {
    const line = { route: routeId, id: eventId, attempt, outcome: outcome.kind };
    const { logger } = this.deps;
    switch (outcome.kind) {
      case "delivered":
        return logger.info({ ...line, targetId: outcome.receipt.targetId, alreadyDone: outcome.receipt.alreadyDone }, "event delivered");
      case "duplicate":
        return logger.info(line, "event already delivered; skipped");
      case "busy":
        if (outcome.limit !== undefined) {
          return logger.info({ ...line, delayMs: outcome.delayMs, limit: outcome.limit }, "destination limit reached; held back");
        }
        return logger.info({ ...line, delayMs: outcome.delayMs, heldBy: outcome.heldBy }, "event being delivered by another worker; held back");
      case "filtered":
        return logger.info({ ...line, stage: outcome.stage }, `event filtered out by ${outcome.stage}`);
      case "retry":
        return logger.warn(
          { ...line, ...failedCall(outcome), next: outcome.next, delayMs: outcome.delayMs, status: outcome.status, err: outcome.error },
          "delivery failed; will retry",
        );
      case "dead":
        return logger.error(
          { ...line, ...failedCall(outcome), reason: outcome.reason, status: outcome.status, err: outcome.error },
          "event dead-lettered",
        );
    }
  }
}

/** `stage` (enrichment or destination) and, for an enrichment, its `step`, on failure lines. */
function failedCall(outcome: Extract<Outcome, { kind: "retry" | "dead" }>): Record<string, string> {
  const failed = outcome.failedCall;
  if (!failed) return {};
  return failed.stage === "enrichment" ? { stage: failed.stage, step: failed.step } : { stage: failed.stage };
}
