import { type ClosablePart, closePart, type PartsLogger } from "./close-part.js";

export { CloseTimeoutError, type PartsLogger } from "./close-part.js";

/** What a part's start made, and how to close it again. */
export interface Opened<T> {
  readonly value: T;
  /** Closes what the start made, waiting at most `ms` for work in hand. */
  close(ms: number): Promise<unknown> | unknown;
}

/**
 * Starts one part, named for the logs; `closesIn` is the shutdown stage it closes in. Resolves
 * with what the part made; its close is registered before anything else starts.
 */
export type StartPart<S extends string> = <T>(name: string, closesIn: S, start: () => Promise<Opened<T>> | Opened<T>) => Promise<T>;

export interface PartsOptions<S extends string> {
  /** The shutdown stages, in the order they close; the parts of one stage close together. */
  readonly stages: readonly S[];
  readonly logger: PartsLogger;
  /** How long past its budget a close is waited for before it is left behind. @defaultValue 1000 */
  readonly graceMs?: number;
}

export interface StartedParts<T> {
  /** What the start-up returned. */
  readonly made: T;
  /**
   * Closes every part, stage by stage, each given `ms`. A close that fails or overruns is logged
   * and the rest still close; once all have had their turn, rejects with a ShutdownError naming
   * those that did not close. Called again, answers the first call's promise.
   */
  shutdown(ms: number): Promise<void>;
}

/** Some parts did not close cleanly (each was tried all the same). */
export class ShutdownError extends AggregateError {
  override readonly name = "ShutdownError";
}

interface StartedPart<S> extends ClosablePart {
  readonly stage: S;
}

const DEFAULT_GRACE_MS = 1_000;

/**
 * Runs a start-up made of parts started one after the other by `build` through `start`. Should any
 * step fail, what had started is closed, in reverse order and without waiting for work (budget 0),
 * and the step's own error goes up.
 */
export async function startParts<S extends string, T>(
  options: PartsOptions<S>,
  build: (start: StartPart<S>) => Promise<T>,
): Promise<StartedParts<T>> {
  const started: Array<StartedPart<S>> = [];
  let starting = true;
  const start: StartPart<S> = async (name, closesIn, open) => {
    if (!starting) throw new Error(`${name} started after the start-up ended: it would never be closed`);
    if (!options.stages.includes(closesIn)) throw new Error(`${name} closes in "${closesIn}", which is not a shutdown stage`);
    const { value, close } = await open();
    started.push({ name, stage: closesIn, close });
    return value;
  };

  let made: T;
  try {
    made = await build(start);
  } catch (error) {
    starting = false;
    await rollBack(started, options);
    throw error;
  }
  starting = false;
  let shuttingDown: Promise<void> | undefined;
  return {
    made,
    shutdown: (ms) => {
      shuttingDown ??= shutDown(started, ms, options);
      return shuttingDown;
    },
  };
}

/** `value`'s own close as the part's close. */
export function closable<T extends { close(ms: number): Promise<unknown> }>(value: T): Opened<T> {
  return { value, close: (ms) => value.close(ms) };
}

async function rollBack<S extends string>(started: ReadonlyArray<StartedPart<S>>, options: PartsOptions<S>): Promise<void> {
  for (const part of [...started].reverse()) {
    const error = await closePart(part, 0, options.graceMs ?? DEFAULT_GRACE_MS);
    if (error) options.logger.warn({ part: part.name, err: error.message }, `start-up failed: ${part.name} did not close`);
  }
}

async function shutDown<S extends string>(started: ReadonlyArray<StartedPart<S>>, ms: number, options: PartsOptions<S>): Promise<void> {
  const failures: Error[] = [];
  for (const stage of options.stages) {
    const parts = started.filter((part) => part.stage === stage);
    const errors = await Promise.all(parts.map((part) => closePart(part, ms, options.graceMs ?? DEFAULT_GRACE_MS)));
    errors.forEach((error, index) => {
      if (!error) return;
      const { name } = parts[index]!;
      options.logger.error({ part: name, err: error.message }, `shutdown: ${name} did not close`);
      failures.push(new Error(`${name}: ${error.message}`, { cause: error }));
    });
  }
  if (failures.length > 0) throw new ShutdownError(failures, `did not close cleanly: ${failures.map((failure) => failure.message).join("; ")}`);
}
