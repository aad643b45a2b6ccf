// Steady signed load for the cluster fault scenarios: `senders` concurrent senders sharing `rate`
// requests/s on schedule, each request a distinct Tracktile call-out signed as Tracktile signs.
import { createHmac } from "node:crypto";
import { SECRET } from "./cluster-processes.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts sending to `url()` (read per request: the ingress may change) and returns a handle:
 * `stop()` ends the load and resolves when every request in flight is answered.
 */
export function startLoad({ url, rate, senders = 8, run }) {
  // accepted: id → when its 202 came (Date.now()).
  const results = { accepted: new Map(), statuses: new Map(), latencies: [] };
  let sending = true;
  const started = Date.now();
  const interval = (1000 * senders) / rate;
  const loops = Array.from({ length: senders }, async (_, sender) => {
    for (let n = 0; sending; n += 1) {
      const due = started + n * interval + (sender * interval) / senders;
      if (due > Date.now()) await sleep(due - Date.now());
      if (!sending) break;
      const id = `${run}-${sender}-${n}`;
      const t0 = performance.now();
      const status = await sendSignedOrder(url(), id, SECRET, 15_000).catch(() => 0);
      results.statuses.set(status, (results.statuses.get(status) ?? 0) + 1);
      if (status === 202) {
        results.accepted.set(id, Date.now());
        results.latencies.push(performance.now() - t0);
      }
    }
  });
  return {
    results,
    async stop() {
      sending = false;
      await Promise.all(loops);
      return results;
    },
  };
}

/** One Tracktile call-out, signed as Tracktile signs: HMAC-SHA256 of `${t}.${body}`. Resolves its status. */
export async function sendSignedOrder(url, id, secret, timeoutMs) {
  const body = JSON.stringify({ id, kind: "order.status.changed", orderId: `ord_${id}`, time: new Date().toISOString() });
  const t = Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
  const answer = await fetch(`${url}/webhooks/tracktile`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-tracktile-signature": `t=${t},v1=${signature}` },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await answer.arrayBuffer();
  return answer.status;
}

export function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}
