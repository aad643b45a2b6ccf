import type { Channel, ChannelModel } from "amqplib";
import { connectOnce } from "../broker/connection.js";
import { routeQueues } from "../broker/route-topology.js";

/**
 * Ready messages in each route's queue, asked of RabbitMQ on one short connection. A queue that
 * does not exist (a route no router has started yet) is left out; the broker closes the channel
 * that asked for it, so the next question gets a fresh one.
 */
export async function queueDepths(amqpUrl: string, prefix: string, routeIds: readonly string[]): Promise<Map<string, number>> {
  const depths = new Map<string, number>();
  const connection: ChannelModel = await connectOnce(amqpUrl, "webhook-router routes");
  connection.on("error", () => {});
  let channel: Channel | undefined;
  try {
    for (const id of routeIds) {
      if (!channel) {
        channel = await connection.createChannel();
        channel.on("error", () => {});
      }
      try {
        depths.set(id, (await channel.checkQueue(routeQueues(prefix, id).main)).messageCount);
      } catch {
        channel = undefined;
      }
    }
  } finally {
    await connection.close().catch(() => {});
  }
  return depths;
}
