import { createClient } from "redis";

/** The tests' Redis (scripts/test-services.mjs makes sure it answers). */
export const REDIS_URL = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";

/** Host and port of REDIS_URL, for a TCP proxy in front of it. */
export function redisTarget(): { host: string; port: number } {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** A client of the tests' own, for looking at the keys a router wrote and deleting them. */
export async function testRedis(): Promise<{
  keys(prefix: string): Promise<Map<string, { value: string | null; ttlMs: number }>>;
  deleteKeys(prefix: string): Promise<void>;
  close(): Promise<void>;
}> {
  const client = createClient({ url: REDIS_URL });
  client.on("error", () => {});
  await client.connect();
  const scan = async (prefix: string) => {
    const found: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) found.push(...batch);
    return found;
  };
  return {
    async keys(prefix) {
      const keys = new Map<string, { value: string | null; ttlMs: number }>();
      for (const key of await scan(prefix)) keys.set(key, { value: await client.get(key), ttlMs: await client.pTTL(key) });
      return keys;
    },
    async deleteKeys(prefix) {
      const found = await scan(prefix);
      if (found.length > 0) await client.del(found);
    },
    async close() {
      client.destroy();
    },
  };
}
