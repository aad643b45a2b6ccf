/**
 * `npm run stand-ins`: local stand-ins for the example routes' targets — Tracktile's API (with a
 * sample order and shipment), QuickBooks Online, Odoo, ShipBob, TrackVia's and TrackTik's APIs — on the ports example.env
 * points at, printing every call they receive. For trying the router end to end on a laptop or
 * in docker compose; the same servers back the test suite.
 *
 * Ports and address: test/helpers/stand-ins-ports.ts (`STAND_INS_PORT`, `STAND_IN_<NAME>_PORT`,
 * `STAND_INS_HOST`), read from the environment and, like the CLI, from ./.env (`ENV_FILE`).
 */
import { ConfigError } from "../src/config/config-error.js";
import { loadEnvFile } from "../src/cli/env-file.js";
import { startFakeTracktileApi } from "./helpers/fake-tracktile-api.js";
import { FakeOdoo } from "./helpers/fakes/fake-odoo.js";
import { FakeQuickBooks } from "./helpers/fakes/fake-quickbooks.js";
import { FakeShipBob } from "./helpers/fakes/fake-shipbob.js";
import { FakeTrackTikApi } from "./helpers/fake-tracktik-api.js";
import { FakeTrackViaApi } from "./helpers/fake-trackvia-api.js";
import { standInsPlan, StandInsConfigError, type StandInName, type StandInPort, type StandInsPlan } from "./helpers/stand-ins-ports.js";

interface Running {
  readonly url: string;
  readonly requests: ReadonlyArray<{ method: string; path: string; json?: unknown }>;
  close(): Promise<void>;
}

// The credentials are example.env's development values: the stand-ins accept exactly those.
const START: Record<StandInName, (port: number, host: string) => Promise<Running>> = {
  tracktile: async (port, host) => {
    const api = await startFakeTracktileApi("api-dev-token", port, host);
    // Two-way sync: each customer change sends Tracktile's signed "customer.updated" webhook to the
    // router, when STAND_IN_TRACKTILE_WEBHOOK_URL names where (e.g. http://127.0.0.1:8080/webhooks/tracktile).
    const url = process.env.STAND_IN_TRACKTILE_WEBHOOK_URL;
    const secret = process.env.TRACKTILE_WEBHOOK_SECRET;
    if (url && secret) api.customers.webhookTo = { url, secret };
    api.customers.apiUser = process.env.TRACKTILE_API_USER || undefined;
    return api;
  },
  quickbooks: (port, host) =>
    new FakeQuickBooks({ clientId: "dev-qbo-client", clientSecret: "dev-qbo-secret", refreshToken: "dev-qbo-refresh" }).listen(port, host),
  odoo: (port, host) => new FakeOdoo({ database: "dev", login: "api@example.com", apiKey: "dev-odoo-key" }).listen(port, host),
  shipbob: (port, host) => new FakeShipBob({ token: "dev-shipbob-token", channelId: "101" }).listen(port, host),
  trackvia: (port, host) => new FakeTrackViaApi({ userKey: "dev-trackvia-user-key", refreshToken: "dev-trackvia-refresh" }).listen(port, host),
  tracktik: (port, host) =>
    new FakeTrackTikApi({
      clientId: "dev-tracktik-client",
      clientSecret: "dev-tracktik-secret",
      username: "svc-integration",
      password: "dev-tracktik-password",
    }).listen(port, host),
};

const NOTES: Record<StandInName, string> = {
  tracktile: "   (orders: ord_8841, shipments: shp_456; customers: PUT/GET /customers/{id}; GET /products?modifiedSince=…)",
  quickbooks: "",
  odoo: "",
  shipbob: "",
  trackvia: "   (any view id; token endpoint /oauth/token)",
  tracktik: "   (/rest/v1/employees, /rest/v1/clients)",
};

/** One line on stderr and the exit code: what a person needs to act, never a stack. */
function stop(message: string, code: number): never {
  process.stderr.write(`stand-ins: ${message}\n`);
  process.exit(code);
}

function listenProblem(error: unknown, entry: StandInPort, host: string): string {
  const where = `${host}:${entry.port} (${entry.label})`;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return `cannot listen on ${where}: the port is in use (EADDRINUSE) — stop the process holding it (stand-ins already running?) or set ${entry.variable}, or STAND_INS_PORT to move them all, to a free port`;
  }
  if (code === "EACCES") return `cannot listen on ${where}: not permitted (EACCES) — set ${entry.variable} to 1024 or above`;
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") return `cannot listen on ${where}: no such local address (${code}) — check STAND_INS_HOST`;
  return `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Exit 78 on a variable that cannot be used, as the CLI does for configuration errors. */
function readPlan(): StandInsPlan {
  try {
    loadEnvFile();
    return standInsPlan(process.env);
  } catch (error) {
    if (error instanceof ConfigError) stop(error.problems.map((problem) => `${problem.path}: ${problem.message}`).join("; "), 78);
    if (error instanceof StandInsConfigError) stop(error.message, 78);
    throw error;
  }
}

const plan = readPlan();

const running: Array<[StandInPort, Running]> = [];
for (const entry of plan.ports) {
  try {
    running.push([entry, await START[entry.name](entry.port, plan.host)]);
  } catch (error) {
    await Promise.all(running.map(([, server]) => server.close()));
    stop(listenProblem(error, entry, plan.host), 1);
  }
}

console.log(`stand-ins listening on ${plan.host}:
${running.map(([entry, server]) => `  ${entry.label.padEnd(14)} ${server.url}${NOTES[entry.name]}`).join("\n")}
Ctrl-C to stop. Every call received is printed below.`);

// Print each call as it arrives, with the JSON it carried.
const seen = new Map<StandInName, number>();
function printNewCalls(): void {
  for (const [entry, server] of running) {
    const from = seen.get(entry.name) ?? 0;
    for (const request of server.requests.slice(from)) {
      console.log(
        `${new Date().toISOString()} ${entry.name.padEnd(10)} ${request.method} ${request.path} ${request.json === undefined ? "" : JSON.stringify(request.json)}`,
      );
    }
    seen.set(entry.name, server.requests.length);
  }
}
const printer = setInterval(printNewCalls, 200);

// SIGTERM (docker stop, a process manager, tsx relaying npm's) and Ctrl-C: close the servers and
// exit 0. As PID 1 in a container node has no default handler, so without this it would not stop.
let stopping = false;
async function shutDown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(printer);
  printNewCalls();
  await Promise.all(running.map(([, server]) => server.close()));
  process.exit(0);
}
process.on("SIGTERM", () => void shutDown());
process.on("SIGINT", () => void shutDown());
