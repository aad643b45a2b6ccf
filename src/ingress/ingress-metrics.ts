/**
 * What the ingress counts, and the scrape it serves at `GET /metrics`. A narrow view of the
 * process's metrics (ops/metrics.ts), so the front door does not depend on how ops keeps them.
 */
export interface IngressMetrics {
  /** One answered webhook. `source` must be a configured id (or "unknown"): labels stay bounded. */
  webhook(source: string, status: number, reason: string, seconds: number): void;
  /** Any other answer of the ingress port (health, 404, 405, timeouts): counted, no latency. */
  answered(source: string, status: number, reason: string): void;
  /** The Prometheus exposition of every series the process keeps. */
  readonly registry: { readonly contentType: string; metrics(): Promise<string> };
}
