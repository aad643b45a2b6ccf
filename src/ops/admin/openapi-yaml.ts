import { stringify } from "yaml";
import { openApiDocument } from "./openapi-document.js";

const HEADER = `# webhook-router admin API (OpenAPI 3.1), also served at GET /openapi.json.
# Generated from src/ops/admin/openapi-document.ts — edit that, then regenerate:
#   npm run build && node -e 'import("./dist/ops/admin/openapi-yaml.js").then((m) => process.stdout.write(m.openApiYaml()))' > docs/admin-openapi.yaml
# test/integration/admin/openapi.test.ts fails while the two differ.
`;

/** The admin API's OpenAPI document as the YAML kept in docs/admin-openapi.yaml. */
export function openApiYaml(): string {
  return HEADER + stringify(openApiDocument, { lineWidth: 0, aliasDuplicateObjects: false });
}
