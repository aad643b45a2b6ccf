// The figures of one cluster fault scenario, from the load's answers, the sink's calls and the
// router processes' logs.
import { firstCallTimes, targetView } from "./fault-sink.mjs";
import { percentile } from "./signed-load.mjs";

const at = (entry) => Date.parse(String(entry.time));

/**
 * Time to resume: the longest time the target received no new event from `from` on (the fault's
 * start, or a node's return) until the load stopped, measured up to the delivery that ended it.
 * Under the steady load a new event normally arrives every 1000/rate ms.
 */
export function longestPause(times, from, until) {
  let longest = { ms: 0, endedAt: from };
  let previous = from;
  for (const time of times) {
    if (time <= from) continue;
    if (time - previous > longest.ms) longest = { ms: time - previous, endedAt: time };
    previous = time;
    if (time > until) break;
  }
  return longest;
}

/** From each "lost the broker connection" of `name` to the next "connected", in ms. */
function reconnectGaps(router, name) {
  const gaps = [];
  for (const lost of router.logs.filter((entry) => entry.connection === name && entry.msg === "lost the broker connection; reconnecting")) {
    const back = router.logs.find((entry) => entry.connection === name && entry.msg === "connected to the broker" && at(entry) >= at(lost));
    gaps.push(back ? at(back) - at(lost) : Number.POSITIVE_INFINITY);
  }
  return gaps;
}

/**
 * A call the killed worker made but did not live to record is made again by another worker once
 * its claim's lease ends: at-least-once, covered by the Idempotency-Key. Any other repeat (the
 * first call by a worker that lived) is a duplicate.
 */
function splitRepeats(repeats, killed) {
  const crashed = ({ calls }) => killed !== undefined && calls[0].caller === killed;
  return { cut: repeats.filter(crashed), duplicated: repeats.filter((repeat) => !crashed(repeat)) };
}

export function measure({ rig, results, faultAt, killed, recoveredAt, loadEndedAt, drainedAt }) {
  const view = targetView(rig.sink, results.accepted);
  const repeats = splitRepeats(view.repeats, killed);
  const times = firstCallTimes(rig.sink);
  const pause = longestPause(times, faultAt, loadEndedAt);
  const accepted = rig.ingress.logs.filter((entry) => entry.msg === "webhook accepted");
  const spooled = accepted.filter((entry) => entry.via === "spool");
  const drainedLine = rig.ingress.logs.findLast((entry) => entry.msg === "spool drained: publishing directly again");
  const statuses = Object.fromEntries([...results.statuses].sort(([a], [b]) => a - b));
  return {
    accepted: results.accepted.size,
    answers: statuses,
    fiveXx: [...results.statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0),
    spooled: spooled.length,
    delivered: view.delivered,
    lost: view.lost,
    duplicated: repeats.duplicated.length,
    repeatedInFlight: repeats.cut.length,
    resumeMs: pause.ms,
    // Negative when deliveries came back before `rabbitmqctl await_startup` returned.
    resumeAfterReturnMs: recoveredAt === undefined ? undefined : pause.endedAt - recoveredAt,
    spoolDrainedAfterReturnMs: recoveredAt !== undefined && drainedLine && at(drainedLine) >= recoveredAt ? at(drainedLine) - recoveredAt : undefined,
    allDeliveredAfterLoadMs: drainedAt === undefined ? undefined : Math.max(0, drainedAt - loadEndedAt),
    slowestEventMs: view.slowestMs,
    p99AcceptMs: Math.round(percentile(results.latencies, 0.99)),
    maxAcceptMs: Math.round(Math.max(0, ...results.latencies)),
    // The first repeated events, each call's time from the fault: what a duplicate looked like.
    repeats: view.repeats.slice(0, 10).map(({ id, calls }) => ({ id, calls: calls.map((call) => ({ ...call, at: call.at - faultAt })) })),
    reconnects: {
      publish: reconnectGaps(rig.ingress, "publish"),
      workers: rig.workers.map((worker) => reconnectGaps(worker, "workers")),
    },
  };
}
