/** What a code of an HTTP API's error catalogue means: its status, and whether trying again later can help. */
export interface ErrorMeaning {
  readonly status: number;
  readonly retryable: boolean;
}

/**
 * An error that becomes an HTTP answer `{"error": code, "message": message}`, its status looked up
 * in the API's catalogue of stable codes. The ingress and the admin API each keep a catalogue
 * (their codes are their public contracts) and share this shape.
 */
export class ApiError<Code extends string> extends Error {
  readonly status: number;
  readonly retryable: boolean;
  constructor(
    readonly code: Code,
    message: string,
    catalogue: Readonly<Record<Code, ErrorMeaning>>,
  ) {
    super(message);
    this.status = catalogue[code].status;
    this.retryable = catalogue[code].retryable;
  }

  toBody(): { error: Code; message: string } {
    return { error: this.code, message: this.message };
  }
}
