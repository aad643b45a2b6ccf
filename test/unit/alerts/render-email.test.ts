import { describe, expect, it } from "vitest";
import { addToBatch, startBatch } from "../../../src/ops/alerts/alert-batch.js";
import { type Alert, UNKNOWN_EVENT_ID } from "../../../src/ops/alerts/alert.js";
import { createCommands } from "../../../src/ops/alerts/commands.js";
import { exampleEmails } from "../../../src/ops/alerts/examples.js";
import { renderEmail } from "../../../src/ops/alerts/render-email.js";
import { deadLettered } from "./alert-fixtures.js";

const context = { commands: createCommands(), windowMs: 15 * 60_000 };
const at = new Date("2025-06-03T10:02:05Z");
const render = (alert: Alert) => renderEmail(startBatch(alert, at, false), context);

describe("alert emails", () => {
  it("name the route, destination, event, reason, error and the exact commands for a dead letter", () => {
    const { subject, text } = render(
      deadLettered({ eventId: "ord_42", reason: "permanent", status: 400, attempts: 1, error: "QuickBooks 400: Invalid Reference Id" }),
    );
    expect(subject).toBe("[webhook-router] 1 event dead-lettered on route orders-to-quickbooks");
    expect(text).toContain("Event ord_42 was dead-lettered on route orders-to-quickbooks at 2025-06-03T10:02:05Z");
    expect(text).toMatch(/Destination:\s+quickbooks-prod/);
    expect(text).toMatch(/Reason:\s+permanent/);
    expect(text).toMatch(/Target status:\s+400/);
    expect(text).toContain("QuickBooks 400: Invalid Reference Id");
    expect(text).toContain("webhook-router dlq list --route orders-to-quickbooks\n");
    expect(text).toContain("webhook-router dlq replay --route orders-to-quickbooks --id ord_42\n");
  });

  it("explain each dead-letter reason in a digest", () => {
    const batch = startBatch(deadLettered({ reason: "mapping" }), at, true);
    addToBatch(batch, deadLettered({ reason: "poison", eventId: "p" }), at);
    const { text } = renderEmail(batch, context);
    expect(text).toMatch(/Reason:\s+mapping 1, poison 1/);
    expect(text).toContain("- mapping: The route's filter or mapping failed");
    expect(text).toContain("- poison: The message could not be read");
    expect(text).toContain("webhook-router dlq replay --route orders-to-quickbooks\n");
    expect(text).toContain("This is a digest");
  });

  it("do not offer a one-event replay for a message without a readable id", () => {
    const { text } = render(deadLettered({ eventId: UNKNOWN_EVENT_ID, reason: "poison" }));
    expect(text).not.toContain("--id");
    expect(text).toContain("webhook-router dlq replay --route orders-to-quickbooks\n");
  });

  it("say which credential to rotate, then how to replay", () => {
    const { subject, text } = render({
      kind: "credentials",
      routeId: "orders-to-quickbooks",
      destination: "quickbooks-prod",
      eventId: "ord_7",
      status: 401,
      error: "token expired",
    });
    expect(subject).toBe("[webhook-router] 1 event failed on route orders-to-quickbooks: destination quickbooks-prod rejected credentials (401)");
    expect(text).toContain("1. Rotate the credential of destination quickbooks-prod");
    expect(text.indexOf("Rotate")).toBeLessThan(text.indexOf("webhook-router dlq replay --route orders-to-quickbooks"));
    expect(text).toContain("token expired");
  });

  it("tell a 403 (permission) from a 401 (bad credential)", () => {
    const { text } = render({ kind: "credentials", routeId: "r", destination: "d", eventId: "e", status: 403, error: "forbidden" });
    expect(text).toContain("lacks permission");
  });

  it("say since when ingress spools, how deep, and how to check /readyz and the broker", () => {
    const { subject, text } = renderEmail(startBatch({ kind: "spooling", since: new Date("2025-06-03T09:50:00Z"), depth: 1234 }, at, false), context);
    expect(subject).toBe("[webhook-router] broker unreachable: ingress spooling events locally since 2025-06-03T09:50:00Z");
    expect(text).toMatch(/Events in spool:\s+1234/);
    expect(text).toContain("(12 min)");
    expect(text).toContain("curl -sS http://localhost:8080/readyz");
    expect(text).toContain("rabbitmq-diagnostics -q check_running");
  });

  it("say when spooling ended, how long it lasted and the most it held, once the spool has drained", () => {
    const recovered = {
      kind: "spool_recovered",
      since: new Date("2025-06-03T09:50:00Z"),
      until: new Date("2025-06-03T10:13:00Z"),
      peakDepth: 4817,
    } as const;
    const { subject, text } = renderEmail(startBatch(recovered, at, false), context);
    expect(subject).toBe("[webhook-router] recovered: broker reachable again, spool drained after 23 min");
    expect(text).toMatch(/Spooling from:\s+2025-06-03T09:50:00Z/);
    expect(text).toMatch(/Direct again by:\s+2025-06-03T10:13:00Z/);
    expect(text).toMatch(/Most events in spool:\s+4817/);
    expect(text).toContain("nothing needs to be replayed by hand");
  });

  it("count a source's failed verifications by reason and say what to do", () => {
    const { subject, text } = render({
      kind: "verification_failures",
      sourceId: "tracktile",
      count: 20,
      reasons: { bad_signature: 18, missing_signature: 2 },
      firstAt: new Date("2025-06-03T10:01:30Z"),
    });
    expect(subject).toBe("[webhook-router] 20 failed signature verifications on source tracktile");
    expect(text).toMatch(/Reasons:\s+bad_signature 18, missing_signature 2/);
    expect(text).toContain("between 2025-06-03T10:01:30Z and 2025-06-03T10:02:05Z");
    expect(text).toContain("rotated");
  });

  it("write commands the way the deployment runs the CLI, quoting what a shell would split", () => {
    const commands = createCommands({ program: "docker compose exec router webhook-router", readyzUrl: "http://router:9000/readyz" });
    const { text } = renderEmail(startBatch(deadLettered({ eventId: "id with 'quote'" }), at, false), { ...context, commands });
    expect(text).toContain(`docker compose exec router webhook-router dlq replay --route orders-to-quickbooks --id 'id with '\\''quote'\\'''`);
  });

  it("start with the greppable prefix, stay short, and never print a missing value", () => {
    for (const [name, email] of Object.entries(exampleEmails())) {
      expect(email.subject.startsWith("[webhook-router] "), name).toBe(true);
      expect(email.subject.length, name).toBeLessThan(130);
      expect(email.text, name).not.toMatch(/undefined|NaN|\[object/);
    }
  });
});
