import type { RouterProcess } from "./router-process.js";

/**
 * Two destinations and three routes on the `app` source: `erp` takes orders and invoices (two
 * routes, so pausing the destination pauses both), `archive` takes orders too (so an order's
 * delivery there shows the event went out while the erp route is paused).
 */
export const pauseRoutes = (sinkUrl: string) => `
destinations:
  erp: { kind: http, url: "${sinkUrl}/erp" }
  archive: { kind: http, url: "${sinkUrl}/archive" }
routes:
  orders-to-erp:
    events: app.order.#
    destination: erp
    retry: { attempts: 2, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
  invoices-to-erp:
    events: app.invoice.#
    destination: erp
    retry: { attempts: 2, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
  orders-to-archive:
    events: app.order.#
    destination: archive
    retry: { attempts: 2, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
`;

/** The process's log lines with this message about this route. */
export const linesAbout = (process: RouterProcess, msg: string, route: string) =>
  process.logs.filter((line) => line.msg === msg && line.route === route);
