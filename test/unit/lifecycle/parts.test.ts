import { describe, expect, it } from "vitest";
import { type PartsLogger, ShutdownError, type StartPart, startParts } from "../../../src/lifecycle/parts.js";

const STAGES = ["requests", "work", "store", "alerts"] as const;
type Stage = (typeof STAGES)[number];

interface Line {
  readonly level: "warn" | "error";
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** Records what happens, in order: `start:x`, `close:x:<ms>`, `closed:x`. */
function harness(graceMs = 20) {
  const events: string[] = [];
  const lines: Line[] = [];
  const logger: PartsLogger = {
    warn: (fields, message) => lines.push({ level: "warn", fields: fields as Record<string, unknown>, message }),
    error: (fields, message) => lines.push({ level: "error", fields: fields as Record<string, unknown>, message }),
  };
  /** A part whose close does `closing` (by default: nothing, at once). */
  const part = (start: StartPart<Stage>, name: string, stage: Stage, closing?: (ms: number) => Promise<unknown> | unknown) =>
    start(name, stage, () => {
      events.push(`start:${name}`);
      return {
        value: name,
        close: async (ms: number) => {
          events.push(`close:${name}:${ms}`);
          await closing?.(ms);
          events.push(`closed:${name}`);
        },
      };
    });
  return { events, lines, part, options: { stages: STAGES, logger, graceMs } };
}

const NAMES = ["port", "sink", "db", "ops", "workers"] as const;
const STAGE_OF: Record<(typeof NAMES)[number], Stage> = { port: "requests", sink: "work", db: "store", ops: "alerts", workers: "work" };

describe("startParts: start-up", () => {
  it("starts the parts in order and hands back what they made", async () => {
    const { events, part, options } = harness();
    const { made } = await startParts(options, async (start) => {
      const made: string[] = [];
      for (const name of NAMES) made.push(await part(start, name, STAGE_OF[name]));
      return made;
    });
    expect(made).toEqual([...NAMES]);
    expect(events).toEqual(NAMES.map((name) => `start:${name}`));
  });

  it.each(NAMES.map((_, failing) => failing))(
    "a failure at step %i closes what started, in reverse, with budget 0, then rethrows",
    async (failing) => {
      const { events, part, options } = harness();
      const boom = new Error("cannot start");
      const started = startParts(options, async (start) => {
        for (const [index, name] of NAMES.entries()) {
          if (index === failing) throw boom;
          await part(start, name, STAGE_OF[name]);
        }
      });
      await expect(started).rejects.toBe(boom);
      const before = NAMES.slice(0, failing);
      expect(events).toEqual([
        ...before.map((name) => `start:${name}`),
        ...[...before].reverse().flatMap((name) => [`close:${name}:0`, `closed:${name}`]),
      ]);
    },
  );

  it("a part whose own start fails is not closed; those before it are", async () => {
    const { events, part, options } = harness();
    const boom = new Error("no database");
    const started = startParts(options, async (start) => {
      await part(start, "port", "requests");
      await start("db", "store", () => Promise.reject(boom));
    });
    await expect(started).rejects.toBe(boom);
    expect(events).toEqual(["start:port", "close:port:0", "closed:port"]);
  });

  it("a close that fails or hangs while rolling back is logged, the others still close, and the start's own error goes up", async () => {
    const { events, lines, part, options } = harness();
    const boom = new Error("cannot start");
    const started = startParts(options, async (start) => {
      await part(start, "port", "requests");
      await start("sink", "work", () => ({
        value: undefined,
        close: () => {
          throw new Error("sink broke");
        },
      }));
      await part(start, "db", "store", () => new Promise(() => {}));
      throw boom;
    });
    await expect(started).rejects.toBe(boom);
    expect(events).toEqual(["start:port", "start:db", "close:db:0", "close:port:0", "closed:port"]);
    expect(lines.map((line) => [line.level, line.fields.part, line.fields.err])).toEqual([
      ["warn", "db", "not closed within 20 ms"],
      ["warn", "sink", "sink broke"],
    ]);
  });

  it("refuses a part started after the start-up ended, or one closing in a stage that does not exist", async () => {
    const { part, options } = harness();
    let late: StartPart<Stage> | undefined;
    await startParts(options, async (start) => {
      late = start;
    });
    await expect(part(late!, "late", "work")).rejects.toThrow(/after the start-up ended/);
    await expect(startParts(options, (start) => start("odd", "nowhere" as Stage, () => ({ value: 1, close: () => {} })))).rejects.toThrow(
      /not a shutdown stage/,
    );
  });
});

describe("startParts: shutdown", () => {
  async function startAll(h: ReturnType<typeof harness>, closing: Partial<Record<string, (ms: number) => Promise<unknown> | unknown>> = {}) {
    return startParts(h.options, async (start) => {
      for (const name of NAMES) await h.part(start, name, STAGE_OF[name], closing[name]);
    });
  }

  it("closes stage by stage in the stages' order (not the start order), each part given the budget", async () => {
    const h = harness();
    const parts = await startAll(h);
    h.events.length = 0;
    await parts.shutdown(500);
    expect(h.events).toEqual([
      "close:port:500",
      "closed:port",
      // One stage closes together: both have begun before either is done.
      "close:sink:500",
      "close:workers:500",
      "closed:sink",
      "closed:workers",
      "close:db:500",
      "closed:db",
      "close:ops:500",
      "closed:ops",
    ]);
  });

  it("a stage waits for all its parts before the next stage begins", async () => {
    const h = harness(1_000);
    const parts = await startAll(h, { workers: () => new Promise((resolve) => setTimeout(resolve, 30)) });
    h.events.length = 0;
    await parts.shutdown(100);
    expect(h.events.indexOf("closed:workers")).toBeLessThan(h.events.indexOf("close:db:100"));
  });

  it("every close runs even when earlier ones throw or reject; the failures are logged and named in the rejection", async () => {
    const h = harness();
    const parts = await startAll(h, {
      port: () => {
        throw new Error("server broke");
      },
      workers: () => Promise.reject(new Error("channel broke")),
    });
    h.events.length = 0;
    const error = await parts.shutdown(50).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ShutdownError);
    expect((error as ShutdownError).message).toBe("did not close cleanly: port: server broke; workers: channel broke");
    expect((error as ShutdownError).errors).toHaveLength(2);
    for (const name of NAMES) expect(h.events).toContain(`close:${name}:50`);
    expect(h.events.at(-1)).toBe("closed:ops");
    expect(h.lines.map((line) => [line.level, line.fields.part, line.message])).toEqual([
      ["error", "port", "shutdown: port did not close"],
      ["error", "workers", "shutdown: workers did not close"],
    ]);
  });

  it("a close that never ends is left behind once its budget and the grace have passed: the store still closes", async () => {
    const h = harness(20);
    const parts = await startAll(h, { workers: () => new Promise(() => {}) });
    h.events.length = 0;
    const began = Date.now();
    const error = await parts.shutdown(30).catch((caught: unknown) => caught);
    const took = Date.now() - began;
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(1_000);
    expect(h.events).toContain("closed:db");
    expect(h.events).toContain("closed:ops");
    expect(h.events).not.toContain("closed:workers");
    expect((error as ShutdownError).message).toBe("did not close cleanly: workers: not closed within 50 ms");
    expect(h.lines).toEqual([
      { level: "error", fields: { part: "workers", err: "not closed within 50 ms" }, message: "shutdown: workers did not close" },
    ]);
  });

  it("shuts down once: a second call answers the first call's promise", async () => {
    const h = harness();
    const parts = await startAll(h);
    h.events.length = 0;
    const first = parts.shutdown(10);
    expect(parts.shutdown(10)).toBe(first);
    await first;
    expect(h.events.filter((event) => event.startsWith("close:"))).toHaveLength(NAMES.length);
  });
});
