import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** Who holds a poll lease: the machine and the process, for /status and the logs. */
export function pollOwner(): string {
  return `${hostname().slice(0, 200)}/${process.pid}/${randomBytes(4).toString("hex")}`;
}
