import type { AlertBatch } from "./alert-batch.js";
import type { BrokerRefusedAlert } from "./alert.js";
import { type RenderContext, type RenderedEmail, SUBJECT_PREFIX, duration, facts, footer, time } from "./render-shared.js";

/** What to change, by what RabbitMQ refused. */
const FIXES: Record<string, readonly string[]> = {
  ACCESS_REFUSED: [
    "  1. Check the user and password in AMQP_URL against RabbitMQ's users, on the RabbitMQ host:",
    "       rabbitmqctl list_users",
    "     RabbitMQ's built-in guest user may only connect from localhost: create a user for the router",
    "     (rabbitmqctl add_user, then set_permissions on its vhost) if it runs on another machine.",
    "  2. Either fix the user on the broker (the router retries every 30 s and recovers by itself),",
    "     or correct AMQP_URL and restart the router.",
  ],
  NOT_ALLOWED: [
    "  1. Check that the virtual host in AMQP_URL exists and the user may use it, on the RabbitMQ host:",
    "       rabbitmqctl list_vhosts && rabbitmqctl list_user_permissions <user>",
    "  2. Either create the vhost or grant the permissions (the router retries every 30 s and recovers",
    "     by itself), or correct AMQP_URL and restart the router.",
  ],
};

export function renderBrokerRefused(batch: AlertBatch, alert: BrokerRefusedAlert, context: RenderContext): RenderedEmail {
  const since = batch.firstAt;
  const what = alert.code === "NOT_ALLOWED" ? "the virtual host" : "the credentials";
  const workers = alert.side === "workers";
  const subject = workers
    ? `${SUBJECT_PREFIX} RabbitMQ refuses ${what} in AMQP_URL: workers delivering nothing since ${time(since)}`
    : `${SUBJECT_PREFIX} RabbitMQ refuses ${what} in AMQP_URL: ingress spooling events locally since ${time(since)}`;
  const consequence = workers
    ? [
        "This is a configuration error: it will not heal by waiting. This worker process consumes nothing:",
        "events wait in their route queues on the broker (nothing is lost) and are delivered once the",
        "connection is accepted. Ingress is not affected by this process.",
      ]
    : [
        "This is a configuration error: it will not heal by waiting. Senders still get 202 and nothing is",
        "lost while the spool has room; the spool is replayed to the broker on its own once the connection",
        "is accepted. Workers receive nothing in the meantime, and once the spool reaches SPOOL_MAX_BYTES",
        "ingress answers 503 and senders must retry.",
      ];
  const text = [
    `RabbitMQ at ${alert.broker} has refused the router's connection since ${time(since)} (${duration(batch.lastAt.getTime() - since.getTime())}):`,
    `  ${alert.detail}`,
    "",
    ...consequence,
    "",
    facts([
      ["Broker", alert.broker],
      ["Refusal", alert.code],
      ["Refused since", time(since)],
      ...(workers ? [["Process", "worker (--role worker)"] as const] : [["Events in spool", alert.depth ?? 0] as const]),
      ["As of", time(batch.lastAt)],
    ]),
    "",
    "What to do",
    ...(FIXES[alert.code] ?? FIXES.ACCESS_REFUSED!),
    `  3. ${workers ? "The worker's" : "Ingress"} readiness lists the refusal under problems until it is fixed:`,
    `       ${context.commands.readyz()}`,
    "",
    footer(batch, context),
  ].join("\n");
  return { subject, text };
}
