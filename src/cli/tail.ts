import { connectOnce } from "../broker/connection.js";
import { redactUrl } from "../config/env.js";
import { loadEnvFor } from "../env.js";

/**
 * `webhook-router tail [pattern]`: binds a private, self-deleting queue to the exchange and prints
 * each event as it arrives — the quickest way to see what consumers receive. Takes nothing from
 * anybody else's queues.
 */
export async function tail(pattern: string, print: (line: string) => void = console.log): Promise<number> {
  // Only the broker's settings: a mistake in any other variable is not this command's business.
  const env = loadEnvFor(["AMQP_URL", "AMQP_EXCHANGE"]);
  const connection = await connectOnce(env.AMQP_URL, "webhook-router tail");
  connection.on("error", (error: Error) => console.error(`webhook-router: broker connection error: ${error.message}`));
  const channel = await connection.createChannel();
  await channel.assertExchange(env.AMQP_EXCHANGE, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true });
  await channel.bindQueue(queue, env.AMQP_EXCHANGE, pattern);
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      print(`${message.fields.routingKey} ${message.content.toString("utf8")}`);
    },
    { noAck: true },
  );
  // Listening is announced once it is true, and Ctrl-C from then on is a clean stop.
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  print(`# listening on exchange "${env.AMQP_EXCHANGE}" at ${redactUrl(env.AMQP_URL)} for "${pattern}" (Ctrl-C to stop)`);
  await stopped;
  await connection.close().catch(() => {});
  return 0;
}
