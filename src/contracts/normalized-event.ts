/**
 * An accepted webhook as a CloudEvent ready to publish: what the ingress hands its event sink, the
 * spool keeps and the delivery log records. The routing key, the AMQP properties' values and the
 * serialized body.
 */
export interface NormalizedEvent {
  readonly id: string;
  readonly type: string;
  readonly routingKey: string;
  readonly subject: string | undefined;
  readonly time: string;
  /**
   * Why `time` is the receive time although the source names a sender's time (`missing`, `not
   * RFC 3339`, …); absent when the sender's time was used or none is configured.
   */
  readonly timeFallback?: string;
  /** CloudEvents structured-mode JSON. */
  readonly body: Buffer;
}
