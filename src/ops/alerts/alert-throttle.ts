import { type AlertBatch, addToBatch, mergeInto, requeued, startBatch } from "./alert-batch.js";
import { type Alert, alertKey, supersededKeys } from "./alert.js";

export interface ThrottleOptions {
  readonly windowMs: number;
  /** Distinct streams held at once; bounds memory whatever the callers send. */
  readonly maxStreams: number;
  /** Called with each batch that is due for an email: a first alert, or a window's digest. */
  readonly emit: (batch: AlertBatch) => void;
  /** False while the stream's previous email is still being sent: its digest then waits a window. */
  readonly canEmit: (key: string) => boolean;
  /** Told each time a stream's pending digest takes in more (an alert, or a failed email's batch). */
  readonly onHeld?: ((batch: AlertBatch) => void) | undefined;
}

export interface AlertThrottle {
  /** Emits the alert at once if its stream is quiet, else folds it into the stream's next digest. False when refused (too many streams). */
  add(alert: Alert, at: Date): boolean;
  /** Puts a batch whose email failed back into its stream's next digest. */
  requeue(batch: AlertBatch): void;
  /** Stops every window and hands back what is pending (shutdown). */
  drain(): AlertBatch[];
}

/** One stream of emails: its window timer and what arrived since the last email. */
interface Lane {
  timer?: NodeJS.Timeout | undefined;
  pending?: AlertBatch | undefined;
}

/**
 * Throttles per (kind, route/source): the first alert is emitted at once and opens a window;
 * alerts inside it are folded into one batch, emitted as a digest when the window ends, which
 * opens the next. A window that ends with nothing pending (and no email of the stream still
 * being sent) closes the stream, so the next alert is immediate again. Memory: one fixed-size
 * batch per stream, and at most `maxStreams` streams.
 */
export function createAlertThrottle(options: ThrottleOptions): AlertThrottle {
  const lanes = new Map<string, Lane>();

  function openWindow(key: string, lane: Lane): void {
    lane.timer = setTimeout(() => endWindow(key), options.windowMs);
    // A window must not keep the process alive; the alerter's close() drains what is pending.
    lane.timer.unref();
  }

  function endWindow(key: string): void {
    const lane = lanes.get(key);
    if (!lane) return;
    lane.timer = undefined;
    // One email in flight per stream, so a hanging server cannot pile up sends: the stream stays
    // open (later alerts wait in its digest) until that email is done.
    if (!options.canEmit(key)) {
      openWindow(key, lane);
      return;
    }
    if (!lane.pending) {
      lanes.delete(key);
      return;
    }
    const batch = lane.pending;
    lane.pending = undefined;
    openWindow(key, lane);
    options.emit(batch);
  }

  return {
    add(alert, at) {
      for (const stale of supersededKeys(alert)) {
        const superseded = lanes.get(stale);
        if (superseded) superseded.pending = undefined;
      }
      const key = alertKey(alert);
      const lane = lanes.get(key);
      if (lane) {
        if (lane.pending) addToBatch(lane.pending, alert, at);
        else lane.pending = startBatch(alert, at, true);
        options.onHeld?.(lane.pending);
        return true;
      }
      if (lanes.size >= options.maxStreams) return false;
      const fresh: Lane = {};
      lanes.set(key, fresh);
      openWindow(key, fresh);
      options.emit(startBatch(alert, at, false));
      return true;
    },

    requeue(batch) {
      let lane = lanes.get(batch.key);
      if (!lane) {
        lane = {};
        lanes.set(batch.key, lane);
      }
      if (lane.pending) mergeInto(lane.pending, batch);
      else lane.pending = requeued(batch);
      options.onHeld?.(lane.pending);
      if (!lane.timer) openWindow(batch.key, lane);
    },

    drain() {
      const pending: AlertBatch[] = [];
      for (const lane of lanes.values()) {
        clearTimeout(lane.timer);
        if (lane.pending) pending.push(lane.pending);
      }
      lanes.clear();
      return pending;
    },
  };
}
