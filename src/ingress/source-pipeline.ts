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

/** `sharedHits`: count every source's rate limit in the store all replicas share (RATE_LIMIT_REDIS_URL). */
export function buildPipelines(table: RoutingTable, sharedHits?: SharedHitsFor): ReadonlyMap<string, SourcePipeline> {
  const pipelines = new Map<string, SourcePipeline>();
  for (const source of table.sources.values()) {
    pipelines.set(source.id, {
      source,
      verifier: createVerifier(source.verify),
      normalize: createNormalizer(source),
      rateLimit: createRateLimit(source, sharedHits),
    });
  }
  return pipelines;
}
