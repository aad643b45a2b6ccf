import { createHash } from "node:crypto";

/** Longest sender id used as is; AMQP's message-id is a short string (255 bytes). */
const MAX_ID_BYTES = 200;

/**
 * The event id: the sender's own id when it has one, else a hash of source, event name and raw
 * body — so a sender's retry of the same call-out gets the same id and is deduplicated downstream.
 */
export function eventId(senderId: string | undefined, sourceId: string, eventName: string, rawBody: Buffer): string {
  if (senderId !== undefined && Buffer.byteLength(senderId) <= MAX_ID_BYTES) return senderId;
  return contentHashId(sourceId, eventName, rawBody);
}

export function contentHashId(sourceId: string, eventName: string, rawBody: Buffer): string {
  return createHash("sha256").update(`${sourceId}\n${eventName}\n`).update(rawBody).digest("hex");
}

/**
 * A polled item's event id: the same change (entity id and modified time, normalized to UTC ms)
 * gets the same id however many overlapping windows return it, so the routes' dedup sees one event.
 */
export function polledItemId(sourceId: string, entityId: string, modifiedIso: string): string {
  return createHash("sha256").update(`poll\n${sourceId}\n${entityId}\n${modifiedIso}`).digest("hex");
}
