import type { Express } from "express";
import type { Logger } from "pino";
import { listenEarly } from "../../lifecycle/listen-early.js";
import type { AdminOptions } from "./admin-env.js";

export interface RunningAdmin {
  /** The port bound; undefined when it could not listen. */
  readonly port: number | undefined;
  /** Stops taking requests; waits at most `ms` for those in flight. */
  close(ms: number): Promise<void>;
}

/** The admin port, bound before the router connects anything; the app is handed over once built. */
export interface AdminPort extends RunningAdmin {
  serve(app: Express): void;
}

/**
 * Binds ADMIN_HOST:ADMIN_PORT. A port already taken is logged, not fatal: the admin API must not
 * stop webhooks from being taken — two roles started on one machine with the defaults would
 * otherwise kill each other.
 */
export async function bindAdminServer(options: AdminOptions, logger: Logger): Promise<AdminPort> {
  const bound = await listenEarly(options.port, options.host, { port: "ADMIN_PORT", host: "ADMIN_HOST" }).catch((error: Error) => {
    logger.error(
      { err: error.message, adminHost: options.host, adminPort: options.port },
      "admin API not started: cannot listen there (set ADMIN_PORT, or ADMIN_PORT=off)",
    );
    return undefined;
  });
  if (!bound) return { port: undefined, serve: () => {}, close: async () => {} };
  const { port } = bound;
  return {
    port,
    serve(app) {
      bound.serve(app);
      logger.info(
        { adminHost: options.host, adminPort: port, auth: options.token ? "bearer or console session" : "none", console: "/console/" },
        "admin API listening",
      );
    },
    close: (ms) => bound.close(ms),
  };
}
