/** What the spool keeps of an event: enough to publish it exactly as the ingress would have. */
export interface SpoolEntry {
  readonly id: string;
  readonly type: string;
  readonly routingKey: string;
  readonly body: Buffer;
  /** When the router accepted it (ms since the epoch). */
  readonly receivedAt: number;
}

/** An entry as stored: `seq` is its place in arrival order. */
export interface SpooledEvent extends SpoolEntry {
  readonly seq: number;
}
