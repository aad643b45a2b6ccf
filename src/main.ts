import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Env } from "./config/env.js";
import type { RoutingTable } from "./config/load-routes.js";
import { createIngressApp } from "./ingress/app.js";
import { buildPipelines } from "./ingress/source-pipeline.js";
import { createIngressSink } from "./spool/ingress-sink.js";

export interface RouterOptions {
  readonly env: Env;
  readonly table: RoutingTable;
  readonly logger: Logger;
}

export interface RunningRouter {
  /** The port actually bound (useful with PORT=0). */
  readonly port: number;
  /** Graceful stop: refuse new work, finish in-flight requests and confirms, close the broker. */
  close(): Promise<void>;
}

/** Composition root: routing table → broker → HTTP. Everything is wired here and only here. */
export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const { env, table, logger } = options;
  const pipelines = buildPipelines(table);
  const sink = await createIngressSink(env, logger);

  let shuttingDown = false;
  const app = createIngressApp({
    pipelines,
    sink,
    logger,
    trustProxy: env.TRUST_PROXY,
    isShuttingDown: () => shuttingDown,
  });
  const server: Server = app.listen(env.PORT, env.HOST);
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, host: env.HOST, sources: [...pipelines.keys()], exchange: env.AMQP_EXCHANGE }, "ingress listening");

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        logger.info("shutting down: finishing in-flight requests");
        const force = setTimeout(() => server.closeAllConnections(), env.SHUTDOWN_TIMEOUT_MS).unref();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await serverClosed;
        clearTimeout(force);
        await sink.close(env.SHUTDOWN_TIMEOUT_MS);
        logger.info("shut down cleanly");
      })();
      return closing;
    },
  };
}
