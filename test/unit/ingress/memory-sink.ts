import type { AcceptedVia, EventSink } from "../../../src/contracts/event-sink.js";
import type { NormalizedEvent } from "../../../src/contracts/normalized-event.js";

/** An in-memory EventSink: keeps what it accepts, or fails as told. */
export function memorySink(fail?: () => Error): EventSink & { readonly events: NormalizedEvent[] } {
  const events: NormalizedEvent[] = [];
  return {
    events,
    ready: true,
    state: "memory",
    async accept(event): Promise<AcceptedVia> {
      if (fail) throw fail();
      events.push(event);
      return "spool";
    },
  };
}
