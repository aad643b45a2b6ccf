import { readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * docker-compose.yml and the Dockerfile as data, for the tests that check them without a Docker
 * engine (none runs where this is built): what compose would be told, read the way compose reads it.
 */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly target?: string };
  readonly hostname?: string;
  readonly env_file?: string | readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly ports?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: { readonly test: readonly string[] };
}

export interface ComposeFile {
  readonly services: Readonly<Record<string, ComposeService>>;
}

export const composeText = readFileSync("docker-compose.yml", "utf8");
export const compose = parse(composeText) as ComposeFile;
export const dockerfile = readFileSync("Dockerfile", "utf8");

export function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** `${NAME:-default}` / `${NAME}` references in a compose value, as compose interpolates them. */
export function references(value: string): Array<{ name: string; fallback: string | undefined }> {
  return [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)].map((match) => ({ name: match[1]!, fallback: match[2] }));
}

/** The value compose uses when none of the referenced variables is set. */
export function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::-([^}]*))?\}/g, (_whole, fallback: string | undefined) => fallback ?? "");
}

/** A short-syntax port mapping, `[ip:]host:container`, split (still uninterpolated). */
export function portMapping(mapping: string): { ip: string | undefined; host: string; container: string } {
  // Split on the colons outside ${…}: the defaults inside may hold none, but the braces group.
  const parts = mapping.match(/(?:\$\{[^}]*\}|[^:])+/g) ?? [];
  if (parts.length === 2) return { ip: undefined, host: parts[0]!, container: parts[1]! };
  if (parts.length === 3) return { ip: parts[0], host: parts[1]!, container: parts[2]! };
  throw new Error(`unexpected port mapping "${mapping}"`);
}

export interface DockerfileStage {
  readonly name: string | undefined;
  /** What it is built `FROM`: an image, or an earlier stage's name. */
  readonly from: string;
  body: string;
}

/** Each `FROM … AS name` of the Dockerfile, in order, with the instructions of its stage. */
export function dockerfileStages(): DockerfileStage[] {
  const stages: DockerfileStage[] = [];
  for (const line of dockerfile.split("\n")) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) stages.push({ name: from[2], from: from[1]!, body: "" });
    else if (stages.length > 0) stages[stages.length - 1]!.body += `${line}\n`;
  }
  return stages;
}
