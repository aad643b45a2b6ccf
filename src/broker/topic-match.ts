/**
 * Whether a routing key matches a RabbitMQ topic pattern: `*` is exactly one word, `#` zero or
 * more. Used by `check` to catch an example that its route would never receive.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  return match(pattern.split("."), 0, routingKey.split("."), 0);
}

function match(pattern: string[], p: number, words: string[], w: number): boolean {
  if (p === pattern.length) return w === words.length;
  const head = pattern[p];
  if (head === "#") {
    for (let skip = w; skip <= words.length; skip += 1) if (match(pattern, p + 1, words, skip)) return true;
    return false;
  }
  if (w === words.length) return false;
  return (head === "*" || head === words[w]) && match(pattern, p + 1, words, w + 1);
}
