import type { IncomingMessage } from "node:http";
import getRawBody from "raw-body";
import { HttpError } from "../errors.js";

/**
 * Reads the exact bytes of the body, up to `limit`. Deliberately ignores Content-Type: signatures
 * cover the bytes whatever the sender called them, and express.raw() would hand back an empty
 * body for a request without a Content-Type.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = request.headers["content-encoding"];
  if (encoding && encoding.toLowerCase() !== "identity") {
    // Senders sign the bytes they send; decompressing first would verify different bytes.
    throw new HttpError("unsupported_encoding", `Content-Encoding ${JSON.stringify(encoding)} is not supported; send the body uncompressed`);
  }
  const declared = request.headers["content-length"];
  try {
    return await getRawBody(request, { limit, length: declared });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === "entity.too.large") {
      throw new HttpError("payload_too_large", `body is larger than this source's limit of ${limit} bytes`);
    }
    if (type === "request.aborted") throw new HttpError("request_aborted", "the client aborted the request");
    if (type === "request.size.invalid") {
      throw new HttpError("invalid_body", "body length does not match Content-Length");
    }
    throw error;
  }
}
