/**
 * A verified request that cannot become an event: the body is not a JSON document (`invalid_body`)
 * or the event's name cannot be found or used (`invalid_event`). The sender's fault, so the ingress
 * answers it with a 400 of the same code — as it maps verification failures to 401.
 */
export class EventError extends Error {
  override readonly name = "EventError";
  constructor(
    readonly code: "invalid_body" | "invalid_event",
    message: string,
  ) {
    super(message);
  }
}
