/** CloudEvents 1.0 structured mode: the whole event is the JSON body of the message. */
export const CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json";

/** The context attributes of a CloudEvent; `data` travels separately, as the sender's bytes. */
export interface CloudEventAttributes {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly datacontenttype: "application/json";
  readonly subject?: string;
}

/** A CloudEvent as consumers parse it. */
export interface CloudEvent<T = unknown> extends CloudEventAttributes {
  readonly data: T;
}
