import type { Adapter, Delivery } from "../../../src/adapters/port.js";
import type { CloudEvent } from "../../../src/contracts/cloud-event.js";
import type { DeliveryReceipt } from "../../../src/contracts/outcome.js";
import type { Enricher } from "../../../src/worker/enrich.js";
import type { ProcessDeps } from "../../../src/worker/process-event.js";
import { compiled } from "../mapping/route-fixtures.js";
import { MemoryState } from "./memory-state.js";

/** A destination in memory: keeps every delivery it is handed and answers with `answer`. */
export class MemoryAdapter implements Adapter {
  readonly kind = "memory";
  readonly deliveries: Delivery[] = [];
  answer: (delivery: Delivery) => Promise<DeliveryReceipt> = async () => ({ status: 201, targetId: "T-1" });

  deliver(delivery: Delivery): Promise<DeliveryReceipt> {
    this.deliveries.push(delivery);
    return this.answer(delivery);
  }
}

/** Three attempts, no jitter: delays are 1 s, 2 s (capped at 60 s), so outcomes can be compared exactly. */
export const RETRY = { attempts: 3, baseDelay: 1000, maxDelay: 60_000, jitter: 0 };

/**
 * processEvent's dependencies for one route of `fields` (route "r" on `a.#`, see route-fixtures),
 * over an in-memory state store, destination and enrichment.
 */
export function processFixture(fields: Record<string, unknown> = {}, options: { timeoutMs?: number } = {}) {
  const { result, problems } = compiled({ retry: RETRY, ...fields });
  if (!result) throw new Error(`the route does not compile: ${JSON.stringify(problems)}`);
  const state = new MemoryState();
  const adapter = new MemoryAdapter();
  const enrichments: CloudEvent[] = [];
  let enrichment: Enricher = async () => ({});
  const deps: ProcessDeps = {
    compiled: result,
    adapter,
    store: state.deliveryStore,
    enrich: (event) => {
      enrichments.push(event);
      return enrichment(event);
    },
    timeoutMs: options.timeoutMs ?? 10_000,
    claims: { store: state.claimStore, owner: "host/1/me", leaseMs: 30_000 },
  };
  return {
    deps,
    state,
    adapter,
    /** Events the enrichment was asked for. */
    enrichments,
    enrichWith(enricher: Enricher) {
      enrichment = enricher;
    },
  };
}

/** Lets the releases processEvent does not wait for run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
