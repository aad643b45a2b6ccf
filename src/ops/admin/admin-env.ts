import { BlockList, isIP } from "node:net";
import { z } from "zod";
import { ConfigError } from "../../config/config-error.js";

/** `ADMIN_PORT`: a port (0 = any free one) or `off`. */
export const adminPortSchema = z
  .string()
  .trim()
  .transform((raw, ctx): number | "off" => {
    if (/^(off|false|disabled?)$/i.test(raw)) return "off";
    if (/^\d+$/.test(raw) && Number(raw) <= 65_535) return Number(raw);
    ctx.addIssue({ code: "custom", message: `expected a port (0-65535; 0 = any free port) or "off", got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });

export interface AdminOptions {
  readonly port: number;
  readonly host: string;
  readonly token: string | undefined;
}

interface AdminEnv {
  readonly ADMIN_PORT: number | "off";
  readonly ADMIN_HOST: string;
  readonly ADMIN_TOKEN?: string | undefined;
}

/**
 * The admin API's settings, or undefined when it is off. Throws ConfigError when it would listen
 * beyond loopback without a token: it can replay and purge dead letters, and shows event data.
 */
export function adminOptionsFromEnv(env: AdminEnv): AdminOptions | undefined {
  if (env.ADMIN_PORT === "off") return undefined;
  if (!env.ADMIN_TOKEN && !isLoopback(env.ADMIN_HOST)) {
    throw new ConfigError([
      {
        file: "environment",
        path: "ADMIN_TOKEN",
        message: `required when ADMIN_HOST (${env.ADMIN_HOST}) is not a loopback address: the admin API can replay and purge dead letters. Set ADMIN_TOKEN, listen on 127.0.0.1, or set ADMIN_PORT=off`,
      },
    ]);
  }
  return { port: env.ADMIN_PORT, host: env.ADMIN_HOST, token: env.ADMIN_TOKEN };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** `localhost`, 127.0.0.0/8 or `::1` (IPv4-mapped too): reachable only from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 6 ? "ipv6" : "ipv4");
}
