import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiagnosticSeverity, Parser } from "@asyncapi/parser";
import { compileErrors, validate } from "@readme/openapi-parser";
import { loadRoutes, type RoutingTable } from "../../../src/config/load-routes.js";

/** The shipped routes/, loaded as `check` and `docs` load them: without their secrets. */
export function shippedTable(): RoutingTable {
  return loadRoutes("routes", {}, { standIns: { missing: new Map() } });
}

/** A routing table from one YAML file's text. */
export function tableFromYaml(yaml: string, env: NodeJS.ProcessEnv = {}): RoutingTable {
  const dir = mkdtempSync(join(tmpdir(), "wr-docs-"));
  writeFileSync(join(dir, "routes.yaml"), yaml);
  return loadRoutes(dir, env);
}

const parser = new Parser();

/** What the official AsyncAPI parser (its schema and its Spectral rules) finds wrong or worth a warning. */
export async function asyncApiProblems(document: object): Promise<string[]> {
  const { diagnostics } = await parser.parse(JSON.stringify(document));
  return diagnostics
    .filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error || diagnostic.severity === DiagnosticSeverity.Warning)
    .map((diagnostic) => `${diagnostic.code} at ${diagnostic.path.join("/")}: ${diagnostic.message}`);
}

/** The official parser's view of the document: its channels' addresses, say. */
export async function parsedAsyncApi(document: object) {
  const { document: parsed } = await parser.parse(JSON.stringify(document));
  if (!parsed) throw new Error("the AsyncAPI document did not parse");
  return parsed;
}

/** What @readme/openapi-parser finds wrong (errors and warnings) in an OpenAPI document. */
export async function openApiProblems(document: object): Promise<string[]> {
  // The parser dereferences in place: give it a copy.
  const result = await validate(structuredClone(document) as never);
  return [...(result.valid ? [] : [compileErrors(result)]), ...result.warnings.map((warning) => warning.message)];
}
