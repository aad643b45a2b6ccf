import type { HmacSettings } from "./hmac-settings.js";

/** A `preset: hmac` block as the schema leaves it: a scheme spelled out field by field. */
export interface CustomHmacConfig {
  readonly header: string;
  readonly algorithm: HmacSettings["algorithm"];
  readonly encoding: HmacSettings["encoding"];
  readonly format: "plain" | "kv";
  readonly prefix?: string | undefined;
  readonly timestampKey?: string | undefined;
  readonly signatureKey?: string | undefined;
  readonly signedContent: string;
  readonly timestampHeader?: string | undefined;
  readonly idHeader?: string | undefined;
  readonly toleranceSeconds: number;
}

/**
 * The engine settings of a custom scheme. Its own file because the schema checks them while
 * parsing (an impossible scheme fails at start-up) and the presets build from them at run time.
 */
export function customHmacSettings(config: CustomHmacConfig): HmacSettings {
  return {
    header: config.header,
    algorithm: config.algorithm,
    encoding: config.encoding,
    format:
      config.format === "kv"
        ? { kind: "kv", timestampKey: config.timestampKey ?? "t", signatureKey: config.signatureKey ?? "v1" }
        : { kind: "plain", prefix: config.prefix ?? "" },
    signedContent: config.signedContent,
    timestampHeader: config.timestampHeader,
    idHeader: config.idHeader,
    toleranceSeconds: config.toleranceSeconds,
  };
}
