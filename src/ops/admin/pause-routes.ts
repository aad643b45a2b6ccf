import type { RequestHandler } from "express";
import { z } from "zod";
import type { RoutingTable } from "../../config/load-routes.js";
import { MAX_PAUSE_REASON, routePause, type PauseKind, type PauseStore } from "../../state/pause-store.js";
import { AdminError } from "./admin-errors.js";
import { parseInput } from "./parse-input.js";

/** The pauses in the state store, and who to tell at once when one changes (this process's workers). */
export interface PauseControl {
  readonly store: PauseStore;
  /** Applies the change in this process now; the others read it at their next poll. */
  changed(): Promise<void>;
}

const pauseBody = z.object({ reason: z.string().trim().max(MAX_PAUSE_REASON).optional() }).strict();

/**
 * `POST /routes/{routeId}/pause|resume` and `POST /destinations/{destinationId}/pause|resume`.
 * Pausing twice replaces the reason; resuming what is not paused answers the same as a resume.
 */
export function pauseRoute(table: RoutingTable, pauses: PauseControl | undefined, kind: PauseKind, action: "pause" | "resume"): RequestHandler {
  return async (request, response) => {
    const id = String(request.params.id);
    known(table, kind, id);
    const store = available(pauses);
    if (action === "pause") {
      const { reason } = parseInput(pauseBody, request.body);
      const pause = await store.store.pause(kind, id, reason || null);
      await store.changed();
      response.json({ [kind]: id, paused: true, reason: pause.reason, pausedAt: new Date(pause.pausedAt).toISOString() });
      return;
    }
    await store.store.resume(kind, id);
    await store.changed();
    // The route's own pause is lifted; its destination's may still hold it, and the answer says so.
    const destination = kind === "route" ? table.routes.get(id)!.destination : undefined;
    const stillHeld = destination !== undefined && routePause(await store.store.list(), id, destination);
    response.json({ [kind]: id, paused: false, ...(stillHeld ? { stillPausedBy: "destination" } : {}) });
  };
}

function known(table: RoutingTable, kind: PauseKind, id: string): void {
  if (kind === "route" && !table.routes.has(id)) {
    throw new AdminError("unknown_route", `no route "${id.slice(0, 100)}"; routes: ${[...table.routes.keys()].join(", ") || "none"}`);
  }
  if (kind === "destination" && !table.destinations.has(id)) {
    throw new AdminError(
      "unknown_destination",
      `no destination "${id.slice(0, 100)}"; destinations: ${[...table.destinations.keys()].join(", ") || "none"}`,
    );
  }
}

function available(pauses: PauseControl | undefined): PauseControl {
  if (!pauses) throw new AdminError("state_store_unavailable", "pauses are kept in the state store, which this process could not open (see its log)");
  return pauses;
}
