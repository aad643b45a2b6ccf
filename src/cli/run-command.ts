import { parseArgs } from "node:util";
import { BrokerConnectError } from "../broker/broker-failure.js";
import { ConfigError } from "../config/config-error.js";
import { loadEnvFile } from "./env-file.js";
import { alerts } from "./alerts.js";
import { check } from "./check.js";
import { CommandNeedsError, withNeeds } from "./command-needs.js";
import { dlq } from "./dlq.js";
import { docs } from "./docs.js";
import { events } from "./events.js";
import { pauseCommand } from "./pause-commands.js";
import { pollRun } from "./poll.js";
import { send } from "./send.js";
import { start } from "./start.js";
import { tail } from "./tail.js";

const USAGE = `Usage: webhook-router <command> [options]

Commands:
  start [--role all|ingress|worker|scheduler]
                                          run the router until SIGTERM/SIGINT (default role: all; scheduler:
                                          the polling sources)
  check                                   validate routes/, compile every mapping, run every route's examples
  tail [pattern]                          print events from the exchange as they arrive (default pattern: #)
  dlq list|replay|purge                   dead letters: inspect, send back to their route's queue, or drop
      [--route R] [--id EVENT_ID] [--reason KIND] [--dry-run]
  events [--source S] [--type T]          the delivery log: one line per event with each route's state,
      [--status pending|delivered|filtered|echo|retrying|dead] [--route R]
      [--since 1h|ISO] [--until 1h|ISO] [--limit N] [--id EVENT_ID]   (--id: that event's whole journey)
  routes list|pause|resume [<route>]      routes paused or consuming, with each queue's waiting depth; pause or
      [--reason TEXT]                     resume one route in every worker process (kept in the state store)
  destinations list|pause|resume [<id>]   the same for a destination: pausing it pauses every route to it
      [--reason TEXT]
  alerts [--kind K] [--limit N]           the alerts journal: emails sent or failed, digests held, newest first
      [--before CURSOR]
  send <sourceId> <fixture.json>          sign a sample body as that source's sender would and post it
       [--event NAME] [--url URL]         (default URL: http://127.0.0.1:$PORT/webhooks/<sourceId>[/NAME])
  poll run <sourceId> [--since ISO]      run one poll of a polling source now (a backfill with --since; the
       [--reset-cursor]                   stored cursor never moves back unless --reset-cursor)
  docs [asyncapi|openapi]                 print the AsyncAPI document of the exchange (default) or the OpenAPI
       [--format json|yaml]               document of the webhook endpoints, generated from routes/ (default json)

Configuration comes from the environment, and first from ./.env when present ($ENV_FILE names another
file; ENV_FILE= reads none); see README.md.`;

/** sysexits' EX_CONFIG: the configuration, not the code, needs fixing. */
const EXIT_CONFIG = 78;

async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      event: { type: "string" },
      url: { type: "string" },
      role: { type: "string", default: "all" },
      route: { type: "string" },
      id: { type: "string" },
      reason: { type: "string" },
      kind: { type: "string" },
      before: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      "reset-cursor": { type: "boolean", default: false },
      source: { type: "string" },
      type: { type: "string" },
      status: { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      limit: { type: "string" },
      format: { type: "string", default: "json" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === "help") {
    console.log(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  loadEnvFile();
  switch (command) {
    case "start": {
      const role = values.role;
      if (role !== "all" && role !== "ingress" && role !== "worker" && role !== "scheduler") {
        throw new UsageError(`--role must be all, ingress, worker or scheduler, not "${role}"`);
      }
      return start(role); // -1: keeps running; the signal handlers exit
    }
    case "check":
      return check();
    case "tail":
      return withNeeds("tail", () => tail(rest[0] ?? "#"));
    case "dlq": {
      const action = rest[0];
      if (action !== "list" && action !== "replay" && action !== "purge") throw new UsageError("dlq needs list, replay or purge");
      return withNeeds("dlq", () => dlq({ action, route: values.route, id: values.id, reason: values.reason, dryRun: values["dry-run"] === true }));
    }
    case "events": {
      const { source, type, status, route, since, until, id, limit } = values;
      return withNeeds("events", () => events({ source, type, status, route, since, until, id, limit }));
    }
    case "routes":
    case "destinations": {
      const [action, id, extra] = rest;
      if (action !== "list" && action !== "pause" && action !== "resume") throw new UsageError(`${command} needs list, pause or resume`);
      if (action === "list" ? id !== undefined : id === undefined || extra !== undefined) {
        throw new UsageError(action === "list" ? `${command} list takes no id` : `${command} ${action} needs exactly one id`);
      }
      if (action !== "pause" && values.reason !== undefined) throw new UsageError("--reason goes with pause");
      const kind = command === "routes" ? "route" : "destination";
      return withNeeds(command, () => pauseCommand({ kind, action, id, reason: values.reason }));
    }
    case "alerts": {
      const { limit, kind, before } = values;
      return withNeeds("alerts", () => alerts({ limit, kind, before }));
    }
    case "send": {
      const [sourceId, fixture] = rest;
      if (!sourceId || !fixture) throw new UsageError("send needs <sourceId> and <fixture.json>");
      return send({ sourceId, fixture, event: values.event, url: values.url });
    }
    case "poll": {
      const [action, sourceId] = rest;
      if (action !== "run" || !sourceId) throw new UsageError("poll needs run <sourceId>");
      if (values["reset-cursor"] && values.since === undefined) throw new UsageError("--reset-cursor goes with --since");
      return pollRun({ sourceId, since: values.since, resetCursor: values["reset-cursor"] === true });
    }
    case "docs": {
      const [kind = "asyncapi"] = rest;
      const { format } = values;
      if (kind !== "asyncapi" && kind !== "openapi") throw new UsageError(`docs prints asyncapi or openapi, not "${kind}"`);
      if (format !== "json" && format !== "yaml") throw new UsageError(`--format must be json or yaml, not "${format}"`);
      return docs({ kind, format });
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

// node:util's parseArgs errors carry a string code; amqplib's carry a number (404 for a missing queue).
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/** Runs one command line and sets the exit code (`start` keeps running; its signal handlers exit). */
export function runCli(argv: readonly string[]): Promise<void> {
  return run([...argv]).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof CommandNeedsError) {
        console.error(error.message);
        process.exitCode = error.exitCode;
      } else if (error instanceof BrokerConnectError) {
        console.error(`webhook-router: ${error.message}`);
        process.exitCode = error.exitCode;
      } else if (error instanceof ConfigError) {
        console.error(`webhook-router: ${error.message}`);
        process.exitCode = EXIT_CONFIG;
      } else if (error instanceof UsageError || isParseArgsError(error)) {
        console.error(`webhook-router: ${(error as Error).message}\n\n${USAGE}`);
        process.exitCode = 2;
      } else {
        console.error(`webhook-router: ${(error as Error).message ?? String(error)}`);
        process.exitCode = 1;
      }
    },
  );
}
