import type { PollSourceConfig } from "../config/poll-source-schema.js";
import type { CloudEventAttributes } from "../contracts/cloud-event.js";
import type { NormalizedEvent } from "../contracts/normalized-event.js";
import { serializeCloudEvent } from "../events/cloud-event.js";
import { polledItemId } from "../events/event-id.js";
import { readSenderTime } from "../events/event-time.js";
import { compileExpression } from "./expression.js";
import { PollError } from "./poll-error.js";

/** One item as an event, with the `modified` time the cursor follows. */
export interface PolledItem {
  readonly event: NormalizedEvent;
  readonly modifiedMs: number;
}

export type ItemReader = (item: unknown, index: number) => Promise<PolledItem>;

const EVENT_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Compiles, once per source, what turns an item into its CloudEvent: type `{sourceId}.{name}`,
 * `subject` the entity id, `time` the modified time, `data` the item, and an id from (source,
 * entity id, modified time). An item without a usable id or modified time fails the page: the
 * API's shape changed, and publishing around it would move the cursor past it silently.
 */
export function createItemReader(sourceId: string, config: Pick<PollSourceConfig, "event">): ItemReader {
  const { event } = config;
  const readId = compileExpression(event.id);
  const readModified = compileExpression(event.modified);
  const readName = event.nameFrom === undefined ? undefined : compileExpression(event.nameFrom);
  const ceSource = `/polls/${sourceId}`;
  return async (item, index) => {
    const id = await readId(item);
    if (typeof id !== "string" && typeof id !== "number") {
      throw new PollError("response", `item ${index}: event.id (${event.id}) gave ${describe(id)}, not an id`, { atOnce: true });
    }
    const modified = await readModified(item);
    const reading = typeof modified === "string" || typeof modified === "number" ? readSenderTime(String(modified), event.modifiedFormat) : undefined;
    if (reading?.time === undefined) {
      const why = reading?.problem ?? describe(modified);
      throw new PollError(
        "response",
        `item ${index} (id ${id}): event.modified (${event.modified}) gave ${why}, not a ${event.modifiedFormat} time`,
        { atOnce: true },
      );
    }
    const named = readName ? await readName(item) : undefined;
    const name = typeof named === "string" && EVENT_NAME.test(named) ? named : event.name;
    const routingKey = `${sourceId}.${name}`;
    const entityId = String(id);
    const eventId = polledItemId(sourceId, entityId, reading.time);
    const attributes: CloudEventAttributes = {
      specversion: "1.0",
      id: eventId,
      source: ceSource,
      type: routingKey,
      time: reading.time,
      datacontenttype: "application/json",
      subject: entityId,
    };
    const body = serializeCloudEvent(attributes, Buffer.from(JSON.stringify(item)));
    return {
      event: { id: eventId, type: routingKey, routingKey, subject: entityId, time: reading.time, body },
      modifiedMs: Date.parse(reading.time),
    };
  };
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return `a ${Array.isArray(value) ? "list" : typeof value}`;
}
