import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import type { SpoolEntry } from "../../../src/spool/spool-entry.js";

/** A temporary DATA_DIR, removed by `cleanup`. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "spool-test-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A logger whose lines are kept, parsed, for assertions. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), lines };
}

/** The n-th test event: a ~1 KiB CloudEvent-like body whose id and content say which it is. */
export function entry(n: number, bodyBytes = 1000): SpoolEntry {
  const head = `{"id":"evt_${n}","n":${n},"pad":"`;
  const body = Buffer.from(`${head}${"x".repeat(Math.max(0, bodyBytes - head.length - 2))}"}`);
  return { id: `evt_${n}`, type: "tracktile.order.created", routingKey: "tracktile.order.created", body, receivedAt: 1_700_000_000_000 + n };
}
