import type { ConfigProblem } from "../../../src/config/config-error.js";
import type { Route } from "../../../src/config/load-routes.js";
import { routeSchema } from "../../../src/config/route-schema.js";
import type { CloudEvent } from "../../../src/contracts/cloud-event.js";
import { compileRoute } from "../../../src/mapping/compile-route.js";

/** A route of `fields` on `a.#`, validated and compiled as at start-up; undefined result with problems when it does not compile. */
export function compiled(fields: Record<string, unknown>) {
  const route: Route = { ...routeSchema.parse({ events: "a.#", destination: "d", ...fields }), id: "r", file: "routes/test.yaml" };
  const problems: ConfigProblem[] = [];
  return { result: compileRoute(route, problems), problems };
}

/** A CloudEvent as the worker receives it, around `data`. */
export const event = (data: unknown): CloudEvent => ({
  specversion: "1.0",
  id: "evt_1",
  source: "/webhooks/a",
  type: "a.order.status.changed",
  time: "2026-11-20T14:03:11.000Z",
  datacontenttype: "application/json",
  data,
});
