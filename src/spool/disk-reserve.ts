import { existsSync, rmSync, writeFileSync } from "node:fs";
import type { Logger } from "pino";

/** Enough for the WAL frames of a few relay deletes and a checkpoint. */
const RESERVE_BYTES = 8 * 1024 ** 2;

/**
 * Disk space held in a plain file beside the spool. On a full disk even a DELETE fails (SQLite
 * must append to the WAL first), so the relay could never free the room that appends need:
 * giving this file back is what lets it start. Claimed again once the spool has drained.
 */
export class DiskReserve {
  constructor(
    private readonly path: string,
    private readonly logger: Logger,
    private readonly bytes = RESERVE_BYTES,
  ) {}

  /** Holds the space if it is not held yet; false, leaving nothing behind, when there is no room. */
  claim(): boolean {
    if (existsSync(this.path)) return true;
    try {
      writeFileSync(this.path, Buffer.alloc(this.bytes));
      return true;
    } catch {
      rmSync(this.path, { force: true });
      return false;
    }
  }

  /** Gives the space back; false when there was none held. */
  release(): boolean {
    if (!existsSync(this.path)) return false;
    rmSync(this.path, { force: true });
    this.logger.warn({ path: this.path, bytes: this.bytes }, "the disk is full: released the spool's reserve so the relay can free room");
    return true;
  }
}
