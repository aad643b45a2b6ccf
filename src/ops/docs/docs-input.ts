import type { RoutingTable } from "../../config/load-routes.js";

/** A JSON Schema (2020-12 for OpenAPI 3.1, draft-07 for AsyncAPI 3.0's default schema format). */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/**
 * Where a source's request schema plugs in (issue 15: sources may declare a JSON Schema for their
 * body, per event name). Given a source and an event name, the schema its body must satisfy;
 * `eventName` undefined asks for the schema of any event of that source (the wildcard channel and
 * `POST /webhooks/{sourceId}`). Undefined: no schema is declared, and the documents show the
 * routing table's examples instead. Until request schemas exist, nothing is passed here.
 */
export type RequestSchemaLookup = (sourceId: string, eventName: string | undefined) => JsonSchema | undefined;

/** The settings the documents name: nothing secret, so `webhook-router docs` needs no credentials. */
export interface DocumentSettings {
  /** AMQP_EXCHANGE. */
  readonly exchange: string;
  /** QUEUE_PREFIX: the dead-letter queues are `{prefix}{routeId}.dead`. */
  readonly queuePrefix: string;
  /** PORT: the ingress's port in the OpenAPI document's server URL. @defaultValue 8080 */
  readonly port?: number;
}

/** Everything a document is generated from: pure data in, a document object out. */
export interface DocumentInput {
  readonly table: RoutingTable;
  readonly settings: DocumentSettings;
  readonly requestSchemas?: RequestSchemaLookup;
}
