import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { Logger } from "pino";
import type { AdminOptions } from "./admin-env.js";

export interface RunningAdmin {
  /** The port bound; undefined when it could not listen. */
  readonly port: number | undefined;
  /** Stops taking requests; waits at most `ms` for those in flight. */
  close(ms: number): Promise<void>;
}

/**
 * Listens on ADMIN_HOST:ADMIN_PORT. A port already taken is logged, not fatal: the admin API
 * must not stop webhooks from being taken — two roles started on one machine with the defaults
 * would otherwise kill each other.
 */
export async function startAdminServer(app: Express, options: AdminOptions, logger: Logger): Promise<RunningAdmin> {
  const server: Server = app.listen(options.port, options.host);
  try {
    await once(server, "listening");
  } catch (error) {
    logger.error(
      { err: (error as Error).message, adminHost: options.host, adminPort: options.port },
      "admin API not started: cannot listen there (set ADMIN_PORT, or ADMIN_PORT=off)",
    );
    return { port: undefined, close: async () => {} };
  }
  const port = (server.address() as AddressInfo).port;
  logger.info({ adminHost: options.host, adminPort: port, auth: options.token ? "bearer" : "none" }, "admin API listening");
  return {
    port,
    async close(ms) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), ms).unref();
      await closed;
      clearTimeout(force);
    },
  };
}
