import type { RoutingTable, Source } from "../config/load-routes.js";
import { createNormalizer, type Normalizer } from "../events/normalize.js";
import { createVerifier } from "../verify/index.js";
import type { Verifier } from "../verify/verifier.js";
import { createRateLimit, type RateLimit, type SharedHitsFor } from "./rate-limit.js";

/** Everything the ingress needs per source, built once at start-up. */
export interface SourcePipeline {
  readonly source: Source;
  readonly verifier: Verifier;
  readonly normalize: Normalizer;
  readonly rateLimit: RateLimit | undefined;
}

/** The header the API handler sets on its copy of a call's headers: the call's event id (never the caller's). */
export const CALL_ID_HEADER = "x-webhook-router-call-id";

/** The event name of an API call, where the endpoint's `event.type` names none in the body. */
export const API_EVENT_NAME = "call";

/** `sharedHits`: count every source's rate limit in the store all replicas share (RATE_LIMIT_REDIS_URL). */
export function buildPipelines(table: RoutingTable, sharedHits?: SharedHitsFor): ReadonlyMap<string, SourcePipeline> {
  const pipelines = new Map<string, SourcePipeline>();
  for (const source of table.sources.values()) {
    pipelines.set(source.id, {
      source,
      verifier: createVerifier(source.verify),
      // An API call's id is the router's (unique, or from the Idempotency-Key): two calls with the
      // same body are two calls, not a sender's retry.
      normalize: source.api
        ? createNormalizer({ ...source, event: { ...source.event, id: [`header:${CALL_ID_HEADER}`] } }, "/api")
        : createNormalizer(source),
      rateLimit: createRateLimit(source, sharedHits),
    });
  }
  return pipelines;
}
