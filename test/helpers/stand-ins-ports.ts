/**
 * Where `npm run stand-ins` listens: `STAND_INS_PORT` is the base (Tracktile's API on it,
 * QuickBooks on +1, Odoo on +2, ShipBob on +3, TrackVia's API on +4, TrackTik's on +5), `STAND_IN_<NAME>_PORT` moves one stand-in alone,
 * `STAND_INS_HOST` is the address (loopback by default; 0.0.0.0 in a container). The defaults are
 * the ports example.env points the example destinations at.
 */

export const DEFAULT_BASE_PORT = 9101;
export const DEFAULT_HOST = "127.0.0.1";

export type StandInName = "tracktile" | "quickbooks" | "odoo" | "shipbob" | "trackvia" | "tracktik";

export interface StandInPort {
  readonly name: StandInName;
  /** As printed, e.g. `QuickBooks`. */
  readonly label: string;
  readonly port: number;
  /** The variable that moves this stand-in alone, e.g. `STAND_IN_ODOO_PORT`. */
  readonly variable: string;
}

export interface StandInsPlan {
  readonly host: string;
  readonly ports: readonly StandInPort[];
}

/** A variable the stand-ins cannot use: one line naming it. */
export class StandInsConfigError extends Error {
  override readonly name = "StandInsConfigError";
}

const STAND_INS: ReadonlyArray<{ name: StandInName; label: string }> = [
  { name: "tracktile", label: "Tracktile API" },
  { name: "quickbooks", label: "QuickBooks" },
  { name: "odoo", label: "Odoo" },
  { name: "shipbob", label: "ShipBob" },
  { name: "trackvia", label: "TrackVia API" },
  { name: "tracktik", label: "TrackTik REST" },
];

/** The per-stand-in variable, e.g. `STAND_IN_ODOO_PORT`. */
export function portVariable(name: StandInName): string {
  return `STAND_IN_${name.toUpperCase()}_PORT`;
}

/** Reads the plan from `env`; throws StandInsConfigError naming the variable when a value is unusable. */
export function standInsPlan(env: NodeJS.ProcessEnv): StandInsPlan {
  const host = env.STAND_INS_HOST || DEFAULT_HOST;
  const base = env.STAND_INS_PORT ? parsePort("STAND_INS_PORT", env.STAND_INS_PORT) : DEFAULT_BASE_PORT;
  const ports = STAND_INS.map(({ name, label }, offset) => {
    const own = portVariable(name);
    if (env[own]) return { name, label, port: parsePort(own, env[own]), variable: own };
    const port = base + offset;
    if (port > 65_535)
      throw new StandInsConfigError(`STAND_INS_PORT=${base} puts ${label} on ${port}, past 65535: use a base of at most 65532 or set ${own}`);
    return { name, label, port, variable: own };
  });
  const seen = new Map<number, StandInPort>();
  for (const entry of ports) {
    const other = seen.get(entry.port);
    if (other)
      throw new StandInsConfigError(`${other.label} and ${entry.label} would both listen on ${entry.port}: set ${entry.variable} to another port`);
    seen.set(entry.port, entry);
  }
  return { host, ports };
}

function parsePort(variable: string, value: string): number {
  const port = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new StandInsConfigError(`${variable} must be a port number from 1 to 65535, not "${value}"`);
  return port;
}
