/**
 * AMQP_URL names one broker or several nodes of one cluster, comma-separated:
 * `amqp://u:p@mq1:5672,amqp://u:p@mq2:5672`. A comma only separates where the next item starts
 * with a scheme (`xyz://`), so a single URL whose password holds a comma still reads as one URL.
 */
const SEPARATOR = /\s*,\s*(?=[a-z][a-z0-9+.-]*:\/\/)/i;

/** The URLs in AMQP_URL, in the order written; one item for a single URL (the usual case). */
export function brokerUrls(value: string): string[] {
  const urls = value
    .trim()
    .split(SEPARATOR)
    .map((url) => url.trim())
    .filter((url) => url.length > 0);
  return urls.length > 0 ? urls : [value];
}

/** Every item of AMQP_URL that is not an amqp:// or amqps:// URL (empty when all are). */
export function badBrokerUrls(value: string): string[] {
  return brokerUrls(value).filter((url) => !/^amqps?:\/\//.test(url));
}

/**
 * The order one connection tries the nodes in: shuffled, so the replicas of a deployment spread
 * over the cluster instead of all landing on the first node written; then round-robin from there.
 */
export function nodeOrder(urls: readonly string[], random: () => number = Math.random): string[] {
  const order = [...urls];
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
