import { describe, expect, it } from "vitest";
import type { Outcome } from "../../../src/contracts/outcome.js";
import { syncAnswer } from "../../../src/worker/sync-reply.js";

const dead = (status: number | undefined, error: string): Outcome => ({ kind: "dead", reason: "permanent", status, error });
const answered = async (outcome: Outcome) => {
  const answer = await syncAnswer(outcome, undefined, undefined);
  return answer && { status: answer.status, body: JSON.parse(answer.body) as unknown };
};

describe("a sync call's answer from its outcome", () => {
  it("passes a 4xx's own words through as 422 (409 as 409), without the destination's address", async () => {
    const error = 'http destination "erp" (GET erp.example.com/stock/1) answered 404: {"message":"no such sku"} — permanent, fix it';
    expect(await answered(dead(404, error))).toEqual({ status: 422, body: { error: "destination_rejected", message: '{"message":"no such sku"}' } });
    expect(await answered(dead(409, error.replace("404", "409")))).toMatchObject({ status: 409, body: { error: "destination_conflict" } });
  });

  it("makes 5xx, 401/403 and 429 a 502, and no answer in time a 504", async () => {
    for (const status of [500, 503, 401, 403, 429]) expect((await answered(dead(status, "x answered 1: y — transient, z")))?.status).toBe(502);
    const timeout = 'http destination "erp" (GET erp.example.com/q): no answer within 300 ms — transient, retried';
    expect(await answered({ kind: "dead", reason: "exhausted", error: timeout })).toEqual({
      status: 504,
      body: { error: "destination_timeout", message: 'http destination "erp" (GET erp.example.com/q): no answer within 300 ms' },
    });
    expect((await answered({ kind: "dead", reason: "exhausted", error: "could not reach it (ECONNREFUSED)" }))?.status).toBe(502);
  });

  it("answers a delivered call with the destination's answer, and leaves a held-back one to its copy", async () => {
    expect(await answered({ kind: "delivered", receipt: { status: 200, response: { price: 12.5 } } })).toEqual({
      status: 200,
      body: { price: 12.5 },
    });
    expect(await answered({ kind: "busy", delayMs: 100 })).toBeUndefined();
    expect(await answered({ kind: "duplicate" })).toMatchObject({ status: 409, body: { error: "already_processed" } });
    expect(await answered({ kind: "filtered", stage: "when" })).toMatchObject({ status: 422, body: { error: "destination_rejected" } });
  });
});
