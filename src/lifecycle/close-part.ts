/** Where a part's close failures are told (a pino logger fits). */
export interface PartsLogger {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Something started that can be closed, under the name its failures are logged with. */
export interface ClosablePart {
  readonly name: string;
  /** Closes what the part made, waiting at most `ms` for work in hand. */
  close(ms: number): Promise<unknown> | unknown;
}

/** A close that took longer than it was given (a broker that no longer answers, say). */
export class CloseTimeoutError extends Error {
  override readonly name = "CloseTimeoutError";
}

/**
 * Closes `part` with a budget of `ms`, waiting for it at most `ms + graceMs`: a close that overruns
 * is left behind, so whatever closes after it still gets its turn. Never rejects: the failure is
 * returned, for the caller to log and count.
 */
export async function closePart(part: ClosablePart, ms: number, graceMs: number): Promise<Error | undefined> {
  const limit = ms + graceMs;
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new CloseTimeoutError(`not closed within ${limit} ms`)), limit);
  });
  const closed = Promise.resolve()
    .then(() => part.close(ms))
    .then(
      () => undefined,
      (error: unknown) => asError(error),
    );
  try {
    return await Promise.race([closed, overrun]);
  } finally {
    clearTimeout(timer);
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
