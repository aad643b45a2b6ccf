import type { VerificationFailuresAlert } from "./alert.js";

export interface BurstDetectorOptions {
  /** Failures within `windowMs` on one source that make a burst. @defaultValue 20 */
  readonly threshold?: number | undefined;
  /** @defaultValue 60000 */
  readonly windowMs?: number | undefined;
  /** @defaultValue () => new Date() */
  readonly now?: (() => Date) | undefined;
  /** Sources tracked at once; quiet ones are forgotten first. @defaultValue 1000 */
  readonly maxSources?: number | undefined;
}

export interface BurstDetector {
  /**
   * Records one failed verification. Returns the alert to send when this failure starts a burst
   * (it covers the failures that made it), a one-failure alert while the burst goes on (the
   * alerter folds those into its digest), and undefined otherwise.
   */
  record(sourceId: string, reason: string): VerificationFailuresAlert | undefined;
}

interface SourceState {
  /** The latest failures, at most `threshold`, oldest first. */
  recent: { at: number; reason: string }[];
  inBurst: boolean;
  lastAt: number;
}

/**
 * Tells a rotated secret or a probe (many failures in little time) from the odd bad request.
 * Memory is bounded: at most `threshold` timestamps per source, and `maxSources` sources.
 */
export function createBurstDetector(options: BurstDetectorOptions = {}): BurstDetector {
  const threshold = options.threshold ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const maxSources = options.maxSources ?? 1000;
  if (!(threshold >= 1) || !(windowMs > 0)) throw new Error("burst detector needs threshold >= 1 and windowMs > 0");
  const sources = new Map<string, SourceState>();

  return {
    record(sourceId, reason) {
      const at = now().getTime();
      let state = sources.get(sourceId);
      // A burst ends after a quiet window; the next failure starts counting afresh.
      if (state && at - state.lastAt > windowMs) state = undefined;
      if (!state) {
        if (sources.size >= maxSources) forgetQuiet(sources, at, windowMs, maxSources);
        state = { recent: [], inBurst: false, lastAt: at };
        sources.set(sourceId, state);
      }
      state.lastAt = at;
      if (state.inBurst) return alert(sourceId, [{ at, reason }]);
      state.recent.push({ at, reason });
      while (state.recent.length > 0 && at - (state.recent[0]?.at ?? at) > windowMs) state.recent.shift();
      if (state.recent.length < threshold) return undefined;
      state.inBurst = true;
      const failures = state.recent;
      state.recent = [];
      return alert(sourceId, failures);
    },
  };
}

function alert(sourceId: string, failures: readonly { at: number; reason: string }[]): VerificationFailuresAlert {
  const reasons: Record<string, number> = {};
  for (const { reason } of failures) reasons[reason] = (reasons[reason] ?? 0) + 1;
  return { kind: "verification_failures", sourceId, count: failures.length, reasons, firstAt: new Date(failures[0]?.at ?? Date.now()) };
}

function forgetQuiet(sources: Map<string, SourceState>, at: number, windowMs: number, maxSources: number): void {
  for (const [id, state] of sources) if (at - state.lastAt > windowMs) sources.delete(id);
  // Still full: drop the longest-tracked source (Map keeps insertion order).
  const oldest = sources.keys().next();
  if (sources.size >= maxSources && !oldest.done) sources.delete(oldest.value);
}
