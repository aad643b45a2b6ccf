/** One thing wrong in the configuration, located precisely enough to fix without guessing. */
export interface ConfigProblem {
  /** The file, or `environment` for variables. */
  readonly file: string;
  /** Dotted path inside the file, e.g. `sources.tracktile.verify.preset`; empty for the file itself. */
  readonly path: string;
  readonly message: string;
}

/**
 * Misconfiguration: stops start-up with one message listing every problem found. The CLI prints
 * `message` and exits; a stack trace would only hide the line that matters.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.file}${p.path ? ` at ${p.path}` : ""}: ${p.message}`);
  const noun = problems.length === 1 ? "problem" : "problems";
  return `invalid configuration (${problems.length} ${noun}):\n${lines.join("\n")}`;
}

/** Renders a zod-style path (`["sources","a","secrets",0]`) as `sources.a.secrets[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
