import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { CallbackConfig } from "../config/source-schema.js";
import { isPrivateAddress } from "../contracts/public-address.js";
import { HttpError } from "./http-error.js";

/** The request header a caller names its own callback URL in (when the endpoint allows it). */
export const CALLBACK_URL_REQUEST_HEADER = "x-callback-url";

const MAX_URL = 2048;

/**
 * Where this call's result goes: the caller's `X-Callback-Url` when the endpoint allows one — https
 * only, no credentials, and every address its host resolves to public (unless the endpoint says
 * otherwise) — else the configured URL. A refusal is `400 invalid_callback_url`.
 */
export async function callbackUrlOf(config: CallbackConfig, header: string | string[] | undefined): Promise<string | HttpError> {
  const given = Array.isArray(header) ? header[0] : header;
  if (given === undefined || given === "") {
    return config.url ?? refuse("this endpoint needs an X-Callback-Url header");
  }
  if (!config.allowRequestUrl) return refuse("this endpoint does not take a callback URL from the caller");
  if (given.length > MAX_URL) return refuse(`a callback URL is at most ${MAX_URL} characters`);
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return refuse("the callback URL is not a URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && config.allowHttp)) return refuse("the callback URL must be https");
  if (url.username || url.password) return refuse("the callback URL may not carry credentials");
  if (!config.allowPrivate && !(await isPublicHost(url.hostname))) return refuse("the callback URL must name a public address");
  return url.href;
}

async function isPublicHost(hostname: string): Promise<boolean> {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (isIP(host)) return !isPrivateAddress(host);
  try {
    const addresses = await lookup(host, { all: true, verbatim: true });
    return addresses.length > 0 && addresses.every((entry) => !isPrivateAddress(entry.address));
  } catch {
    return false;
  }
}

function refuse(message: string): HttpError {
  return new HttpError("invalid_callback_url", message);
}
