import { loadEnvFor } from "../env.js";
import { loadRouteOutline, type RouteOutline } from "../config/route-ids.js";
import { createPauseStore, MAX_PAUSE_REASON, routePause, type Pause, type PauseKind, type PauseStore } from "../state/pause-store.js";
import { openStore } from "./open-store.js";
import { queueDepths } from "./queue-depths.js";

const SETTINGS = ["ROUTES_DIR", "DATA_DIR", "DATABASE_URL", "AMQP_URL", "QUEUE_PREFIX", "PAUSE_POLL_INTERVAL"] as const;

export interface PauseCommand {
  readonly kind: PauseKind;
  readonly action: "pause" | "resume" | "list";
  /** The route or destination id (pause, resume). */
  readonly id?: string | undefined;
  readonly reason?: string | undefined;
}

/**
 * `webhook-router routes|destinations pause <id> [--reason …]`, `… resume <id>`, `… list`: the
 * pauses every worker process applies, written straight to the state store the router uses —
 * the router need not be running, and every worker reads the change within PAUSE_POLL_INTERVAL.
 * Returns the exit code.
 */
export async function pauseCommand(command: PauseCommand, print: (line: string) => void = console.log): Promise<number> {
  const env = loadEnvFor(SETTINGS);
  const outline = loadRouteOutline(env.ROUTES_DIR);
  const name = command.kind === "route" ? "routes" : "destinations";
  if (command.action !== "list") {
    const problem = checkTarget(outline, command);
    if (problem) {
      console.error(`webhook-router ${name}: ${problem}`);
      return 1;
    }
  }
  const db = await openStore(env.DATA_DIR, env.DATABASE_URL);
  try {
    const store = createPauseStore(db);
    const within = `every worker stops consuming within ${env.PAUSE_POLL_INTERVAL / 1000}s`;
    switch (command.action) {
      case "pause": {
        const reason = command.reason?.trim() || null;
        const pause = await store.pause(command.kind, command.id!, reason);
        print(`${command.kind} ${command.id} paused${reason ? ` (${reason})` : ""} at ${new Date(pause.pausedAt).toISOString()}: ${within}`);
        return 0;
      }
      case "resume":
        return await resume(store, outline, command, print);
      case "list": {
        const pauses = await store.list();
        if (command.kind === "destination") {
          for (const line of destinationLines(outline, pauses)) print(line);
          return 0;
        }
        const waiting = await queueDepths(env.AMQP_URL, env.QUEUE_PREFIX, [...outline.routes.keys()]).catch((error: Error) => {
          console.error(`webhook-router routes: waiting depths unknown (${error.message})`);
          return new Map<string, number>();
        });
        for (const [route, destination] of outline.routes) print(routeLine(route, destination, pauses, waiting.get(route)));
        print(`${outline.routes.size} route(s), ${outline.routes.size === 0 ? 0 : countPaused(outline, pauses)} paused`);
        return 0;
      }
    }
  } finally {
    await db.destroy();
  }
}

function checkTarget(outline: RouteOutline, command: PauseCommand): string | undefined {
  const known = command.kind === "route" ? [...outline.routes.keys()] : outline.destinations;
  if (command.id === undefined) return `${command.action} needs a ${command.kind} id (one of: ${known.join(", ") || "none"})`;
  if (!known.includes(command.id)) return `no ${command.kind} "${command.id}" in ROUTES_DIR; ${command.kind}s: ${known.join(", ") || "none"}`;
  if ((command.reason?.length ?? 0) > MAX_PAUSE_REASON) return `--reason is longer than ${MAX_PAUSE_REASON} characters`;
  return undefined;
}

async function resume(store: PauseStore, outline: RouteOutline, command: PauseCommand, print: (line: string) => void): Promise<number> {
  const was = await store.resume(command.kind, command.id!);
  const destination = command.kind === "route" ? outline.routes.get(command.id!) : undefined;
  const held = destination === undefined ? undefined : routePause(await store.list(), command.id!, destination);
  const state = was ? "resumed" : "was not paused";
  if (held) print(`route ${command.id} ${state}; still paused by its destination ${destination}: destinations resume ${destination}`);
  else print(`${command.kind} ${command.id} ${state}`);
  return 0;
}

/** A reason on one line, whatever was typed into the admin API. */
const said = (reason: string | null) => (reason ? ` (${reason.replace(/\s+/g, " ")})` : "");

/** `<route>  <destination>  consuming|paused by route|destination since <ISO> (<reason>)  waiting=<n>` */
function routeLine(route: string, destination: string | undefined, pauses: readonly Pause[], waiting: number | undefined): string {
  const pause = destination === undefined ? routePause(pauses, route, "") : routePause(pauses, route, destination);
  const state = pause ? `paused by ${pause.pausedBy} since ${new Date(pause.pausedAt).toISOString()}${said(pause.reason)}` : "consuming";
  return [route, destination ?? "-", state, `waiting=${waiting ?? "?"}`].join("  ");
}

function destinationLines(outline: RouteOutline, pauses: readonly Pause[]): string[] {
  return outline.destinations.map((destination) => {
    const pause = pauses.find((entry) => entry.kind === "destination" && entry.id === destination);
    const routes = [...outline.routes].filter(([, to]) => to === destination).map(([route]) => route);
    const state = pause ? `paused since ${new Date(pause.pausedAt).toISOString()}${pause.reason ? ` (${pause.reason})` : ""}` : "delivering";
    return [destination, state, `routes: ${routes.join(", ") || "none"}`].join("  ");
  });
}

function countPaused(outline: RouteOutline, pauses: readonly Pause[]): number {
  return [...outline.routes].filter(([route, destination]) => routePause(pauses, route, destination ?? "")).length;
}
