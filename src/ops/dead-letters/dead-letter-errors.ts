/** A dead-letter request that cannot run as asked: an unknown route, a purge without a filter. */
export class DeadLetterRequestError extends Error {
  override readonly name = "DeadLetterRequestError";
  constructor(
    readonly code: "unknown_route" | "invalid_request",
    message: string,
  ) {
    super(message);
  }
}
