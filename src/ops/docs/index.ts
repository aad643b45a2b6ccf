/** The generated contract documents: AsyncAPI of the exchange, OpenAPI of the ingress. */
export { asyncApiDocument } from "./asyncapi-document.js";
export type { DocumentInput, DocumentSettings, JsonSchema } from "./docs-input.js";
export { ingressOpenApiDocument } from "./ingress-openapi.js";
