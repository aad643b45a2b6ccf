import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ComposeService } from "./compose-file.js";

/**
 * deploy/compose.production.yml as data, for tests that check it without a Docker engine: merge
 * keys (`<<: *anchor`) resolved as compose resolves them, and `${…}` interpolated the way compose
 * does (`:-` default, `:?` required) from values the test gives.
 */
export interface ProductionService extends ComposeService {
  readonly command?: readonly string[];
  readonly volumes?: readonly string[];
  readonly restart?: string;
  readonly stop_grace_period?: string;
  readonly deploy?: { readonly replicas?: number | string };
  readonly healthcheck?: { readonly test: readonly string[]; readonly start_period?: string };
}

export interface ProductionCompose {
  readonly name: string;
  readonly services: Readonly<Record<string, ProductionService>>;
  readonly volumes: Readonly<Record<string, unknown>>;
}

export const PRODUCTION_COMPOSE = "deploy/compose.production.yml";
export const productionText = readFileSync(PRODUCTION_COMPOSE, "utf8");
export const production = parse(productionText, { merge: true }) as ProductionCompose;

export function productionService(name: string): ProductionService {
  const found = production.services[name];
  if (!found) throw new Error(`${PRODUCTION_COMPOSE} has no service "${name}"`);
  return found;
}

/** Services that run the router with `--role <role>`. */
export function routerServices(role: "ingress" | "worker"): string[] {
  return Object.entries(production.services)
    .filter(([, entry]) => {
      const command = entry.command ?? [];
      return command.includes("start") && command[command.indexOf("--role") + 1] === role;
    })
    .map(([name]) => name);
}

export interface VariableUse {
  readonly name: string;
  /** `-`: has a default; `?`: required (compose stops with the message when unset or empty); none: plain. */
  readonly kind: "-" | "?" | undefined;
  readonly operand: string | undefined;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?\}/g;

/** Every `${…}` outside comments (a `$$` is a literal dollar, not a reference). */
export function variableUses(text: string): VariableUse[] {
  const withoutComments = text.replace(/(^|\s)#.*$/gm, "$1").replace(/\$\$/g, "");
  return [...withoutComments.matchAll(REFERENCE)].map((match) => ({
    name: match[1]!,
    kind: match[2] as "-" | "?" | undefined,
    operand: match[3],
  }));
}

/** A value as compose would pass it on, given these variables (as from `--env-file`). */
export function interpolate(value: string, vars: Readonly<Record<string, string>>): string {
  return value
    .split("$$")
    .map((part) =>
      part.replace(REFERENCE, (_whole, name: string, kind: string | undefined, operand: string | undefined) => {
        const set = vars[name];
        if (kind === "-") return set ? set : (operand ?? "");
        if (kind === "?" && !set) throw new Error(`required variable ${name} is missing a value: ${operand ?? ""}`);
        return set ?? "";
      }),
    )
    .join("$");
}

/** A compose duration (`30s`, `1m30s`, `500ms`) in milliseconds. */
export function durationMs(value: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== value) throw new Error(`not a duration: "${value}"`);
  return parts.reduce((total, part) => total + Number(part[1]) * units[part[2]!]!, 0);
}

/** A short-syntax volume, `source:target[:mode]`. */
export function volumeMount(spec: string): { source: string; target: string; readOnly: boolean } {
  const [source, target, mode] = spec.split(":");
  if (!source || !target) throw new Error(`unexpected volume "${spec}"`);
  return { source, target, readOnly: mode === "ro" };
}

/** The lines of a config file without comments and blank lines, trimmed. */
export function configLines(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line.length > 0);
}
