import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeTracktileApi, Product } from "../../helpers/fake-tracktile-api.js";

/** `count` products changed one minute apart from 2025-06-01T00:00Z, ids prd_0001…. */
export function products(count: number, from = Date.parse("2025-06-01T00:00:00Z")): Product[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `prd_${String(i + 1).padStart(4, "0")}`,
    sku: `SKU-${i + 1}`,
    name: `Product ${i + 1}`,
    updatedAt: new Date(from + i * 60_000).toISOString(),
  }));
}

/** The stand-in holding exactly `list`. */
export function stock(api: FakeTracktileApi, list: readonly Product[]): void {
  api.products.all.clear();
  for (const product of list) api.products.upsert(product);
}

/** A routes folder with one polling source on the stand-in's products, `size` a page. */
export function pollRoutes(options: { api: FakeTracktileApi; size: number; every?: string; overlap?: string }): {
  dir: string;
  sourceId: string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), "wr-poll-routes-"));
  mkdirSync(dir, { recursive: true });
  const sourceId = `products-${randomUUID().slice(0, 8)}`;
  writeFileSync(
    join(dir, "sources.yaml"),
    `sources:
  ${sourceId}:
    kind: poll
    every: ${options.every ?? "1h"}
    request:
      url: ${options.api.url}/products?modifiedSince={cursor}&page={page}&limit={size}
      auth: { type: bearer, token: "${"$"}{POLL_TEST_TOKEN}" }
    pagination: { type: page, size: ${options.size} }
    items: products
    event: { name: product.changed, id: id, modified: updatedAt }
    cursor: { initial: "2025-01-01T00:00:00Z", overlap: ${options.overlap ?? "5m"} }
`,
  );
  return { dir, sourceId, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Waits until `check` holds, polling every 50 ms. */
export async function eventually(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  for (const deadline = Date.now() + ms; ; ) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The CloudEvent ids and subjects of the messages. */
export function eventsOf(messages: ReadonlyArray<{ content: Buffer }>): Array<{ id: string; subject: string; time: string; type: string }> {
  return messages.map((message) => JSON.parse(message.content.toString("utf8")) as { id: string; subject: string; time: string; type: string });
}
