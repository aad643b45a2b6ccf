import type { RoutingTable } from "../../config/load-routes.js";

/** A JSON Schema, or a Multi Format Schema Object that holds one. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** The settings the documents name: nothing secret, so `webhook-router docs` needs no credentials. */
export interface DocumentSettings {
  /** AMQP_EXCHANGE. */
  readonly exchange: string;
  /** QUEUE_PREFIX: the dead-letter queues are `{prefix}{routeId}.dead`. */
  readonly queuePrefix: string;
  /** PORT: the ingress's port in the OpenAPI document's server URL. @defaultValue 8080 */
  readonly port?: number;
}

/**
 * Everything a document is generated from: pure data in, a document object out. The sources'
 * request schemas come with the table (`Source.requestSchemas.documents`), files read in.
 */
export interface DocumentInput {
  readonly table: RoutingTable;
  readonly settings: DocumentSettings;
}
