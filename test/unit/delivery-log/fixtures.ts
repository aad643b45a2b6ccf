import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import type { Route, RoutingTable, Source } from "../../../src/config/load-routes.js";
import type { NormalizedEvent } from "../../../src/contracts/normalized-event.js";

/** A logger whose lines can be read back. */
export function captureLogs(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = pino({ level: "debug" }, destination);
  return {
    logger,
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** A routing table with the given sources and routes (id → topic patterns); only what the log reads. */
export function tableOf(sources: string[], routes: Record<string, string[]>): RoutingTable {
  return {
    sources: new Map(sources.map((id) => [id, { id, file: "test.yaml" } as unknown as Source])),
    destinations: new Map(),
    routes: new Map(Object.entries(routes).map(([id, events]) => [id, { id, events, destination: "sink", file: "test.yaml" } as unknown as Route])),
    polls: new Map(),
  };
}

/** An event as the ingress normalizes it: `{sourceId}.{name}`, CloudEvents body. */
export function normalizedEvent(sourceId: string, name: string, id: string, data: unknown = { id }, subject?: string): NormalizedEvent {
  const type = `${sourceId}.${name}`;
  const time = "2026-11-20T14:03:11.000Z";
  const body = Buffer.from(
    JSON.stringify({
      specversion: "1.0",
      id,
      source: `/webhooks/${sourceId}`,
      type,
      time,
      datacontenttype: "application/json",
      ...(subject ? { subject } : {}),
      data,
    }),
  );
  return { id, type, routingKey: type, subject, time, body };
}
