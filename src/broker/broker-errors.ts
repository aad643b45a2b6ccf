/** The broker could not take the event now; another attempt (or the spool) may. */
export class BrokerUnavailableError extends Error {
  override readonly name = "BrokerUnavailableError";
  constructor(
    message: string,
    /** `not_connected`, `nacked`, `timeout` or `channel_closed`: the log and metric label. */
    readonly reason: "not_connected" | "nacked" | "timeout" | "channel_closed",
  ) {
    super(message);
  }
}
