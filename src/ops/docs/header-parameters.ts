import type { RequiredHeader } from "./verification-scheme.js";

/** A header as an OpenAPI Parameter Object. */
export interface HeaderParameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly description: string;
  readonly schema: object;
}

/** The headers a source's verification needs besides its security scheme's, as required parameters. */
export function headerParameters(headers: readonly RequiredHeader[]): HeaderParameter[] {
  return headers.map(({ name, description }) => ({ name, in: "header", required: true, description, schema: { type: "string" } }));
}

/** A byte size as the routes files write it: `1 MiB`, `64 KiB`, `1000 bytes`. */
export function sizeText(bytes: number): string {
  if (bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}
