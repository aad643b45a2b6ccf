import { stringify } from "yaml";
import { loadEnvFor } from "../env.js";
import type { StandIns } from "../config/interpolate.js";
import { loadRoutes } from "../config/load-routes.js";
import { asyncApiDocument, ingressOpenApiDocument } from "../ops/docs/index.js";

export type DocsKind = "asyncapi" | "openapi";
export type DocsFormat = "json" | "yaml";

export interface DocsOptions {
  readonly kind: DocsKind;
  readonly format: DocsFormat;
}

/**
 * `webhook-router docs`: prints the AsyncAPI document of the exchange or the OpenAPI document of
 * the webhook endpoints, generated from ROUTES_DIR as the admin API serves them. Like `check`, it
 * runs where the secrets are absent: the documents name headers, never a secret.
 */
export function docs(options: DocsOptions, print: (text: string) => void = (text) => process.stdout.write(text), warn = console.error): number {
  const env = loadEnvFor(["ROUTES_DIR", "AMQP_EXCHANGE", "QUEUE_PREFIX", "PORT"]);
  const standIns: StandIns = { missing: new Map() };
  const table = loadRoutes(env.ROUTES_DIR, process.env, { standIns });
  const named = namedByDocuments(standIns);
  if (named.length > 0) warn(`note: not set here, so the documents show a stand-in where these are used: ${named.join(", ")}`);
  const input = { table, settings: { exchange: env.AMQP_EXCHANGE, queuePrefix: env.QUEUE_PREFIX, port: env.PORT } };
  const document = options.kind === "asyncapi" ? asyncApiDocument(input) : ingressOpenApiDocument(input);
  print(options.format === "json" ? `${JSON.stringify(document, null, 2)}\n` : stringify(document, { lineWidth: 0, aliasDuplicateObjects: false }));
  return 0;
}

/**
 * Unset variables a document would show: those in sources' settings (header names…), not secrets,
 * routes' credentials, or a polling source's request (its documents show the path alone).
 */
function namedByDocuments(standIns: StandIns): string[] {
  return [...standIns.missing]
    .filter(([, paths]) => paths.some((path) => path.startsWith("sources.") && !/\.secrets?(\[|$)/.test(path) && !/\.request\./.test(path)))
    .map(([name]) => name);
}
