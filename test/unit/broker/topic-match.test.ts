import { describe, expect, it } from "vitest";
import { topicMatches } from "../../../src/broker/topic-match.js";

describe("topic patterns, as RabbitMQ matches them", () => {
  it.each([
    ["tracktile.order.status.changed", "tracktile.order.status.changed", true],
    ["tracktile.order.*.changed", "tracktile.order.status.changed", true],
    ["tracktile.*", "tracktile.order.status.changed", false],
    ["tracktile.#", "tracktile.order.status.changed", true],
    ["tracktile.#", "tracktile", true],
    ["#.changed", "tracktile.order.status.changed", true],
    ["#", "anything.at.all", true],
    ["tracktik.employees.created", "tracktik.employees.updated", false],
    ["*.employees.#", "tracktik.employees.created", true],
  ])("%s vs %s → %s", (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});
