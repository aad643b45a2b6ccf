// The bench route's queues (bench/routes/bench.yaml, route `bench-orders`), declared with the
// router's own code (dist/) so their arguments match what the router declares: the queue every
// ingress scenario publishes into, and the one the worker scenario drains.
import { join } from "node:path";
import { BENCH_DIR, EXAMPLE_SECRETS } from "./processes.mjs";

export const ROUTES_DIR = join(BENCH_DIR, "routes");
export const WEBHOOK_PATH = "/webhooks/tracktile";
const ROUTE_ID = "bench-orders";

/** Queue prefixes: the ingress scenarios' route queue must not be the worker scenario's. */
export const ingressPrefix = (runId) => `wr-bench.${runId}.in.`;
export const workerPrefix = (runId) => `wr-bench.${runId}.wk.`;

/**
 * Deletes and declares anew bench/routes' route topology (main, delay and dead-letter queues) on
 * `exchange`, with the router's own code (dist/), so the arguments match what the router declares.
 */
export async function freshRouteQueues({ broker, exchange, prefix, sinkUrl = EXAMPLE_SECRETS.BENCH_SINK_URL }) {
  const { loadRoutes } = await import("../dist/config/load-routes.js");
  const { declareRouteTopology, routeQueues } = await import("../dist/broker/route-topology.js");
  const route = loadRoutes(ROUTES_DIR, { ...EXAMPLE_SECRETS, BENCH_SINK_URL: sinkUrl }).routes.get(ROUTE_ID);
  const names = routeQueues(prefix, route.id);
  // `busy` is absent in commits before the delivery claim: the bench also measures older code.
  const all = [names.main, names.dead, names.busy].filter(Boolean);
  for (let attempt = 2; attempt <= route.retry.attempts; attempt += 1) all.push(names.retry(attempt));
  await broker.deleteQueues(all);
  broker.own(...all);
  const queues = await declareRouteTopology(broker.channel, exchange, prefix, route);
  return { queues, route };
}

/** The worker scenario's route queue on its own exchange, pre-filled with `count` CloudEvents. */
export async function prefilledRoute({ broker, runId, count, sinkUrl }) {
  const exchange = await broker.exchange(`wr-bench.${runId}.worker`);
  const prefix = workerPrefix(runId);
  const { queues, route } = await freshRouteQueues({ broker, exchange, prefix, sinkUrl });
  const prefillS = await broker.prefill({ exchange, count, bodyBytes: 1024, runId });
  return { exchange, prefix, queues, route, prefillS };
}
