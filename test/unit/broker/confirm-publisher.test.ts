import { describe, expect, it } from "vitest";
import { BrokerUnavailableError } from "../../../src/broker/broker-errors.js";
import { ConfirmPublisher, type ConfirmSender } from "../../../src/broker/confirm-publisher.js";

/** A channel in memory: keeps what was sent and the confirm callback of each, for the test to answer. */
function channel() {
  const sent: Array<{ message: string; confirm: (error?: unknown) => void }> = [];
  const send: ConfirmSender<string> = (message, confirmed) => void sent.push({ message, confirm: (error) => confirmed(error) });
  return { send, sent, last: () => sent[sent.length - 1]! };
}

function connected(timeoutMs = 1000) {
  const confirms = new ConfirmPublisher<string>(timeoutMs);
  const open = channel();
  confirms.attach(open.send);
  return { confirms, ...open };
}

const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: unknown) => (error instanceof BrokerUnavailableError ? error.reason : `not a BrokerUnavailableError: ${String(error)}`),
  );

describe("publishing with confirms", () => {
  it("resolves when the broker confirms the message", async () => {
    const { confirms, sent, last } = connected();
    const published = confirms.publish("evt_1");
    expect(sent.map((s) => s.message)).toEqual(["evt_1"]);
    expect(confirms.inFlight).toBe(1);
    last().confirm();
    await expect(published).resolves.toBeUndefined();
    expect(confirms.inFlight).toBe(0);
  });

  it("rejects as nacked when the broker refuses the message", async () => {
    const { confirms, last } = connected();
    const published = confirms.publish("evt_1");
    last().confirm(new Error("message nacked"));
    expect(await reason(published)).toBe("nacked");
  });

  it("tells its owner of a nack that settles a publish, and not of a closed channel or a late nack", async () => {
    let nacks = 0;
    const confirms = new ConfirmPublisher<string>(20, () => {
      nacks += 1;
    });
    const open = channel();
    confirms.attach(open.send);
    const nacked = confirms.publish("evt_1");
    open.last().confirm(new Error("message nacked"));
    expect(await reason(nacked)).toBe("nacked");
    const closed = confirms.publish("evt_2");
    open.last().confirm(new Error("channel closed"));
    expect(await reason(closed)).toBe("channel_closed");
    const late = confirms.publish("evt_3");
    expect(await reason(late)).toBe("timeout");
    open.last().confirm(new Error("message nacked"));
    expect(nacks).toBe(1);
  });

  it("rejects as timeout when no confirm comes within the timeout", async () => {
    const { confirms } = connected(20);
    expect(await reason(confirms.publish("evt_1"))).toBe("timeout");
    expect(confirms.inFlight).toBe(0);
  });

  it("a per-message timeout overrides the default one", async () => {
    const { confirms, last } = connected(10);
    const published = confirms.publish("evt_1", 5000);
    await new Promise((resolve) => setTimeout(resolve, 40));
    last().confirm();
    await expect(published).resolves.toBeUndefined();
  });

  it("rejects as channel_closed when the channel closes before the confirm", async () => {
    const { confirms, last } = connected();
    const published = confirms.publish("evt_1");
    last().confirm(new Error("channel closed"));
    expect(await reason(published)).toBe("channel_closed");
  });

  it("rejects as channel_closed when the channel is already closed and refuses the send", async () => {
    const confirms = new ConfirmPublisher<string>(1000);
    confirms.attach(() => {
      throw new Error("Channel closed");
    });
    expect(await reason(confirms.publish("evt_1"))).toBe("channel_closed");
    expect(confirms.inFlight).toBe(0);
  });

  it("rejects as not_connected with no channel, before or after one", async () => {
    const confirms = new ConfirmPublisher<string>(1000);
    expect(confirms.connected).toBe(false);
    expect(await reason(confirms.publish("evt_1"))).toBe("not_connected");
    confirms.attach(channel().send);
    confirms.attach(undefined);
    expect(await reason(confirms.publish("evt_2"))).toBe("not_connected");
    expect(confirms.inFlight).toBe(0);
  });

  it("a confirm that comes after the timeout changes nothing: settled once, counted once", async () => {
    const { confirms, last } = connected(20);
    const published = confirms.publish("evt_1");
    expect(await reason(published)).toBe("timeout");
    last().confirm();
    last().confirm(new Error("nacked"));
    expect(confirms.inFlight).toBe(0);
    // Still counts right afterwards: one more publish is one in flight, not zero.
    const next = confirms.publish("evt_2");
    expect(confirms.inFlight).toBe(1);
    last().confirm();
    await next;
  });

  it("keeps many confirms in flight at once, each settling its own message", async () => {
    const { confirms, sent } = connected();
    const published = ["a", "b", "c"].map((id) => reason(confirms.publish(id)));
    sent[1]!.confirm(new Error("nack"));
    sent[2]!.confirm();
    sent[0]!.confirm();
    expect(await Promise.all(published)).toEqual(["resolved", "nacked", "resolved"]);
  });
});

describe("waiting for confirms in flight", () => {
  it("returns at once when nothing is in flight", async () => {
    const { confirms } = connected();
    await confirms.settled(10_000);
  });

  it("returns when the last confirm comes in", async () => {
    const { confirms, sent } = connected();
    const published = [confirms.publish("a"), confirms.publish("b")];
    let done = false;
    const settled = confirms.settled(10_000).then(() => (done = true));
    sent[0]!.confirm();
    await published[0];
    expect(done).toBe(false);
    sent[1]!.confirm(new Error("nack"));
    await settled;
    await expect(published[1]).rejects.toThrow(BrokerUnavailableError);
  });

  it("gives up after its own wait when confirms are still out", async () => {
    const { confirms, last } = connected(10_000);
    const published = confirms.publish("a");
    const started = Date.now();
    await confirms.settled(30);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(confirms.inFlight).toBe(1);
    last().confirm();
    await published;
  });
});
