// The cluster fault scenarios. Each gets the rig (sink, ingress, two workers), the cluster's
// commands and `hold(ms)` (the load keeps running meanwhile); `fault` injects the fault and
// returns when it is over (or has been left in place), with `faultAt` and notes for the table;
// `restore` puts the cluster back as it was for the next scenario; `expectDown` names the nodes
// that should be down when `fault` returns (any other is someone else's doing, and reported).
import { moveLeaderOff, queueLeaders, startNode, stopNode } from "../../scripts/rabbit-cluster.mjs";
import { placement, ROUTE_ID } from "./cluster-rig.mjs";

const mainQueue = (rig) => `${rig.common.QUEUE_PREFIX}${ROUTE_ID}`;

/** The route queue's leader node; waits up to `ms` while none is listed (an election). */
async function leaderOf(rig, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const leader = (await queueLeaders(rig.common.QUEUE_PREFIX)).get(mainQueue(rig));
    if (leader !== undefined) return leader;
    if (Date.now() > until) throw new Error(`no leader of ${mainQueue(rig)} listed within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const describe = (where) => `ingress on rc${where.publish}, workers on ${where.workers.map((n) => `rc${n}`).join("+")}`;

export const SCENARIOS = [
  {
    name: "worker SIGKILL mid-delivery",
    slug: "worker-kill",
    expectDown: () => [],
    async fault({ rig, hold }) {
      // The sink answers after a delay, so the victim has calls in flight at the target.
      const victim = rig.workers[0];
      const faultAt = Date.now();
      const pending = [...rig.sink.calls.values()].filter((list) => list.some((call) => call.caller === "worker-0" && !call.answered)).length;
      await victim.kill("SIGKILL");
      await hold(9_000); // past the lease: the target timeout (2 s) + CLAIM_LEASE_MARGIN
      return {
        faultAt,
        killed: "worker-0",
        notes: `${describe(placement(rig))}; killed worker pid ${victim.pid} with ${pending} of its calls unanswered at the sink`,
      };
    },
    async restore() {},
  },
  {
    name: "quorum queue leader's node stopped",
    slug: "leader-stopped",
    expectDown: (state) => [state.leader],
    async prepare({ rig }) {
      // The leader is usually where the ingress declared the queue first: move it, so this
      // scenario is the leader's loss and not the ingress's (cluster-failover.test.ts has that).
      const where = placement(rig);
      if ((await leaderOf(rig)) === where.publish) await moveLeaderOff(mainQueue(rig), where.publish);
      return { leader: await leaderOf(rig) };
    },
    async fault({ rig, hold, state, log }) {
      const where = placement(rig);
      log(`stopping rc${state.leader} (leader of ${mainQueue(rig)}); ${describe(where)}`);
      const faultAt = Date.now();
      await stopNode(state.leader);
      await hold(6_000);
      const onIt = where.workers.filter((n) => n === state.leader).length;
      return {
        faultAt,
        notes: `stopped rc${state.leader}, the leader; ${describe(where)}${onIt ? ` (${onIt} worker(s) on it)` : ""}; new leader ${await leaderOf(
          rig,
        ).then(
          (n) => `rc${n}`,
          (error) => error.message,
        )}`,
      };
    },
    async restore({ state }) {
      await startNode(state.leader);
    },
  },
  {
    name: "two nodes of three stopped (quorum lost), one back",
    slug: "quorum-lost",
    expectDown: (state) => state.down,
    async prepare({ rig }) {
      // Stop the publisher's node and the leader's (another one if that is the same node).
      const where = placement(rig);
      const leader = await leaderOf(rig);
      const down = [...new Set([where.publish, leader, 1, 2, 3])].slice(0, 2);
      return { down, leader };
    },
    async fault({ rig, hold, state, log }) {
      const where = placement(rig);
      log(`stopping rc${state.down.join(" and rc")}; leader rc${state.leader}; ${describe(where)}`);
      const faultAt = Date.now();
      await Promise.all(state.down.map((n) => stopNode(n)));
      await hold(8_000);
      const back = state.down[0];
      log(`starting rc${back} again`);
      await startNode(back);
      const recoveredAt = Date.now();
      state.down = state.down.slice(1);
      await hold(6_000);
      return {
        faultAt,
        recoveredAt,
        notes: `stopped rc${[back, ...state.down].join(" and rc")} (leader rc${state.leader}; ${describe(where)}); rc${back} back after ${((recoveredAt - faultAt) / 1000).toFixed(1)} s`,
      };
    },
    async restore({ state }) {
      for (const n of state.down ?? []) await startNode(n);
    },
  },
];
