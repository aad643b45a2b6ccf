import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, screenshot } from "../../helpers/browser.js";
import { type FakeTracktileApi, startFakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { type SmtpCapture, startSmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, routeToSink, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const TOKEN = "console-test-token-0123456789";
// Everything an attacker controls in a webhook, each a classic way into a page that builds markup from data.
const XSS = {
  script: "<script>window.__xss='script'</script>",
  img: `"><img src=x onerror="window.__xss='img'">`,
  link: "javascript:window.__xss='link'",
};

const POLL_TOKEN = "api-console-poll-token";

/**
 * The usual `to-sink` route, an API endpoint `stock` (`POST /api/stock`) answered by a sync route
 * to the same target, and a polling source `products` pulling the Tracktile stand-in at start.
 */
function withApiEndpointAndPoll(yaml: string, tracktileUrl: string): string {
  const endpoint = `
sources:
  stock:
    verify: { preset: header-token, header: x-token, secret: stock-secret }
    api: { route: stock-lookup }
  products:
    kind: poll
    every: 1h
    request:
      url: ${tracktileUrl}/products?modifiedSince={cursor}&page={page}&limit={size}
      auth: { type: bearer, token: "${POLL_TOKEN}" }
    pagination: { type: page, size: 100 }
    items: products
    event: { name: product.changed, id: id, modified: updatedAt }
    cursor: { initial: "2025-01-01T00:00:00Z" }
`;
  return `${endpoint}${yaml}  stock-lookup: { events: stock.#, destination: sink, sync: true }\n`;
}

describe("the ops console, in Chromium, against a real router", () => {
  let sink: FakeHttpSink;
  let tracktile: FakeTracktileApi;
  let smtp: SmtpCapture;
  let harness: WorkerHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const run = randomUUID().slice(0, 8);
  const delivered = `ord-ok-${run}`;
  // The id itself is attacker-controlled too: it appears in the URL, the title and the heading.
  const hostile = `ord-${run}-${XSS.img}${XSS.script}`;
  let admin: string;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    // One page of two products, changed a few minutes ago: the poll's first run (at start) takes both.
    tracktile = await startFakeTracktileApi(POLL_TOKEN);
    tracktile.products.all.clear();
    for (const [i, id] of ["prd_console_1", "prd_console_2"].entries())
      tracktile.products.upsert({
        id,
        sku: `SKU-C${i + 1}`,
        name: `Console product ${i + 1}`,
        updatedAt: new Date(Date.now() - (3 - i) * 60_000).toISOString(),
      });
    smtp = await startSmtpCapture();
    harness = await startWorkerHarness(withApiEndpointAndPoll(routeToSink(sink.url, "30ms"), tracktile.url), {
      ADMIN_PORT: "0",
      ADMIN_TOKEN: TOKEN,
      DELIVERY_LOG_PAYLOADS: "true",
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_EMAIL_FROM: "router@example.com",
    });
    admin = `http://127.0.0.1:${harness.router.adminPort}`;
    await harness.post({ kind: "order.created", id: delivered, customer: "ACME" });
    await eventually(() => sink.records.length === 1, 5000, "the first delivery");
    // The target refuses the hostile event for good (422): it is dead-lettered at once, its error quoting the markup.
    sink.failNext(1, 422, { error: `unknown customer ${XSS.img}` });
    await harness.post({ kind: "order.created", id: hostile, note: XSS.script, homepage: XSS.link, html: XSS.img });
    await eventually(() => harness.router.logs.some((line) => line.msg === "event dead-lettered"), 5000, "the dead letter");
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
    await sink?.close();
    await tracktile?.close();
    await smtp?.stop();
  });

  it("asks for the admin token, refuses a wrong one, and signs in with the right one", async () => {
    await page.goto(`${admin}/`);
    expect(new URL(page.url()).pathname).toBe("/console/");
    await page.getByLabel("Admin token").fill("not-the-token-at-all");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("That is not this router's ADMIN_TOKEN.").waitFor();
    await screenshot(page, "sign-in");
    await page.getByLabel("Admin token").fill(TOKEN);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    // The token is in no URL, no cookie and nowhere in the page.
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.content()).not.toContain(TOKEN);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: "wr_admin_session", httpOnly: true, sameSite: "Strict", secure: false, path: "/" });
    expect(cookies[0]!.value).not.toContain(TOKEN);
    expect(await page.evaluate("document.cookie")).toBe("");
  });

  it("shows the route's counts and health on the overview", async () => {
    const routes = page.getByRole("region", { name: "Routes" });
    await routes.getByRole("cell", { name: "to-sink", exact: true }).waitFor();
    await expect
      .poll(async () => (await routes.locator("tbody tr").first().locator("td").allInnerTexts()).slice(0, 7))
      .toEqual(["to-sink", "sink", "2", "1", "0", "0", "1"]);
    await page.getByText("No problems reported.").waitFor();
    // A webhook source and an API endpoint look different: the endpoint is tagged, its route and mode on hover.
    const sources = page.getByRole("region", { name: "Sources", exact: true });
    expect(await sources.locator("tbody tr td:first-child").allInnerTexts()).toEqual(["app", "stock API endpoint · sync", "products polling source"]);
    expect(await sources.locator(".tag", { hasText: "API endpoint" }).getAttribute("title")).toBe(
      "POST /api/stock, answered by route stock-lookup (sync: the caller waits for the answer)",
    );
    await expect.poll(() => page.getByRole("region", { name: "Routes" }).locator("tbody tr td").nth(7).textContent()).toBe("1");
  });

  it("shows the polling source's last run under Scheduled pulls, and its items' events by source", async () => {
    await page.getByRole("heading", { name: "Scheduled pulls" }).waitFor();
    const pulls = page.getByRole("region", { name: "Polling sources" });
    const row = pulls.locator("tbody tr").first();
    // The first run starts with the router; the overview refreshes itself every 5 s, a reload is quicker.
    await expect
      .poll(
        async () => {
          const state = await row
            .locator(".badge")
            .textContent({ timeout: 2000 })
            .catch(() => null);
          if (state !== "ok") await page.reload();
          return state;
        },
        { timeout: 10_000 },
      )
      .toBe("ok");
    // Read as one snapshot, polled: a reload or the 5 s refresh may be redrawing the table.
    await expect
      .poll(async () => {
        const [source, words, , lag, lastRun, , holder, lastError] = await row.locator("td").allInnerTexts();
        return { source, state: words, lag: /^\d+ min$/.test(lag ?? ""), lastRun, holder: Boolean(holder?.trim()), lastError };
      })
      .toEqual({ source: "products", state: "ok its last run succeeded", lag: true, lastRun: "2 items · 1 page", holder: true, lastError: "—" });
    // Last success and the cursor in local time, UTC on hover.
    expect(await row.locator("td").nth(2).locator("time").getAttribute("title")).toMatch(/ UTC$/);
    expect(await row.locator("td").nth(5).locator("time").getAttribute("title")).toMatch(/ UTC$/);
    // Its items are received like a webhook's events, counted in the Sources table under its own label.
    const sources = page.getByRole("region", { name: "Sources", exact: true });
    const sourceRow = sources.locator("tbody tr").filter({ hasText: "polling source" });
    // The delivery log writes in batches: a count read before it wrote them needs a reload.
    await expect
      .poll(
        async () => {
          const cells = (await sourceRow.locator("td").allInnerTexts()).slice(0, 2);
          if (cells[1] !== "2") await page.reload();
          return cells;
        },
        { timeout: 8000 },
      )
      .toEqual(["products polling source", "2"]);
    await screenshot(page, "overview");

    await pulls.getByRole("link", { name: "products", exact: true }).click();
    await page.waitForURL(/\/console\/events\?source=products$/);
    const events = page.getByRole("region", { name: "Matching events" });
    await expect
      .poll(async () => (await events.locator("tbody tr td:nth-child(5)").allInnerTexts()).sort())
      .toEqual(["prd_console_1", "prd_console_2"]);
    expect(await events.locator("tbody tr td:nth-child(3)").allInnerTexts()).toEqual(["products", "products"]);
    expect(await events.locator("tbody tr td:nth-child(4)").allInnerTexts()).toEqual(["products.product.changed", "products.product.changed"]);
    // The Source picker knows the polling source, so searching again keeps the filter.
    await expect.poll(() => page.getByLabel("Source").inputValue()).toBe("products");
    await page.getByRole("link", { name: "Overview", exact: true }).click();
  });

  it("lists the delivered and the dead-lettered event", async () => {
    await page.getByRole("link", { name: "Events", exact: true }).click();
    const events = page.getByRole("region", { name: "Matching events" });
    await events.getByRole("link", { name: delivered }).waitFor();
    const rowOf = (id: string) => events.locator("tbody tr").filter({ has: page.getByRole("link", { name: id, exact: true }) });
    await expect.poll(() => rowOf(delivered).locator(".badge").textContent()).toBe("delivered");
    await expect.poll(() => rowOf(hostile).locator(".badge").textContent()).toBe("dead");
    await page.getByLabel("Status").selectOption("dead");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/status=dead/);
    await expect.poll(() => events.locator("tbody tr").count()).toBe(1);
    await page.goBack();
    await events.getByRole("link", { name: delivered }).waitFor();
    await screenshot(page, "events");
  });

  it("opens a journey at its own URL, rendering every attacker-controlled value as text", async () => {
    await page.getByRole("link", { name: hostile, exact: true }).click();
    await page.waitForURL((url) => url.pathname === `/console/events/${encodeURIComponent(hostile)}`);
    await page.getByRole("heading", { name: "to-sink dead" }).waitFor();
    // A link to share: the page loads again from its URL alone.
    const shared = page.url();
    await page.goto(shared);
    await page.getByRole("heading", { name: `Event ${hostile}` }).waitFor();
    // The error quotes the target's JSON answer, so the markup appears with its quotes escaped.
    await expect.poll(() => page.locator(".error-text").first().textContent()).toContain("<img src=x onerror=");
    const payload = await page.locator(".payload pre").textContent();
    expect(JSON.parse(payload ?? "")).toMatchObject({ data: { note: XSS.script, homepage: XSS.link, html: XSS.img } });
    // Nothing ran and nothing was injected: no dialog, no flag, no image, no script but the console's, no javascript: link.
    expect(dialogs).toEqual([]);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    expect(await page.locator("#app img, #app script, #app iframe").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    await page.getByRole("button", { name: "Copy link" }).click();
    await page
      .getByText(/Link copied\.|/)
      .first()
      .waitFor();
    await screenshot(page, "journey");
  });

  it("replays the dead letter after the target is fixed, and the journey shows it delivered", async () => {
    await page.getByRole("link", { name: "Dead letters", exact: true }).click();
    const letters = page.getByRole("region", { name: "Dead letters" });
    const row = letters.locator("tbody tr").filter({ hasText: "permanent" });
    await row.waitFor();
    expect(await row.textContent()).toContain("<img src=x onerror=");
    await screenshot(page, "dead-letters");
    // The target takes it now (failNext was used up): the replay is delivered.
    await row.getByRole("button", { name: "Replay" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("1 message will go back to its route").waitFor();
    await screenshot(page, "replay-confirm");
    await dialog.getByRole("button", { name: "Replay 1" }).click();
    await page.getByText("Replayed 1 message.").waitFor();
    await page.getByText("No dead letters match.").waitFor();
    await page.goto(`${admin}/console/events/${encodeURIComponent(hostile)}`);
    await page.getByRole("heading", { name: "to-sink delivered" }).waitFor({ timeout: 10_000 });
    const outcomes = await page.getByRole("region", { name: "Attempts on to-sink" }).locator("tbody tr td:nth-child(3)").allInnerTexts();
    expect(outcomes).toEqual(["dead", "replayed", "delivered"]);
    expect(sink.records.at(-1)?.json).toMatchObject({ id: hostile, note: XSS.script });
    expect(dialogs).toEqual([]);
  });

  it("lists the dead-lettered event's email on the Alerts page, linked to its journey", async () => {
    const [email] = await smtp.waitFor(1, 10_000);
    await page.getByRole("link", { name: "Alerts", exact: true }).click();
    const alerts = page.getByRole("region", { name: "Alerts" });
    // The journal is written off the alerter's path: the page may need a moment (it refreshes itself, reloading is quicker).
    await expect
      .poll(async () => {
        if ((await alerts.locator("tbody tr").count()) === 0) await page.reload();
        return alerts.locator("tbody tr").count();
      })
      .toBe(1);
    const row = alerts.locator("tbody tr").first();
    const cells = await row.locator("td").allInnerTexts();
    expect(cells.slice(1, 5)).toEqual(["Dead-lettered event", email!.subject, "ops@example.com", "sent"]);
    await page.getByLabel("Kind").selectOption("spooling");
    await page.waitForURL(/kind=spooling/);
    await page.getByText("No alerts of this kind.").waitFor();
    await page.goBack();
    await row.waitFor();
    await screenshot(page, "alerts");
    await row.getByRole("link", { name: hostile, exact: true }).click();
    await page.getByRole("heading", { name: `Event ${hostile}` }).waitFor();
    expect(dialogs).toEqual([]);
    expect(await page.evaluate("window.__xss")).toBeUndefined();
  });

  it("pauses the route from the overview: an event waits in RabbitMQ, the target gets nothing until it is resumed", async () => {
    await page.getByRole("link", { name: "Overview", exact: true }).click();
    const routes = page.getByRole("region", { name: "Routes" });
    const row = routes.locator("tbody tr").first();
    const cell = async (column: number) => (await row.locator("td").nth(column).textContent()) ?? "";
    await routes.getByRole("button", { name: "Pause route to-sink" }).click();
    const dialog = page.getByRole("dialog");
    // Keyboard all the way: Enter in the reason confirms, and focus lands on the route's new Resume button.
    await dialog.getByLabel("Reason (optional)").fill("mapping being fixed <b>now</b>");
    await screenshot(page, "pause-confirm");
    await dialog.getByLabel("Reason (optional)").press("Enter");
    await page.getByText("Paused route to-sink.").waitFor();
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe("Resume route to-sink");
    await expect.poll(() => cell(9)).toMatch(/^paused on its own since .* — mapping being fixed <b>now<\/b>$/);
    await routes.getByRole("button", { name: "Resume route to-sink" }).waitFor();

    const held = `ord-held-${run}`;
    const before = sink.records.length;
    expect((await harness.post({ kind: "order.created", id: held })).status).toBe(202);
    await expect
      .poll(async () => {
        await page.reload();
        return cell(8);
      })
      .toBe("1");
    await screenshot(page, "paused-route");
    expect(sink.records).toHaveLength(before);

    // Its destination paused too: the route's own resume is not enough, and the page says why.
    const destinations = page.getByRole("region", { name: "Destinations" });
    await destinations.getByRole("button", { name: "Pause destination sink" }).click();
    await dialog.getByRole("button", { name: "Pause destination" }).click();
    await expect.poll(() => cell(9)).toContain("on its own; destination sink is paused too");
    await routes.getByRole("button", { name: "Resume route to-sink" }).click();
    await page.getByText("Route to-sink's own pause is lifted, but it is still paused: its destination sink is paused.").waitFor();
    await expect.poll(() => cell(9)).toMatch(/^paused with its destination sink since /);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sink.records).toHaveLength(before);

    await destinations.getByRole("button", { name: "Resume destination sink" }).click();
    await page.getByText("Resumed destination sink.").waitFor();
    await expect.poll(() => cell(9)).toBe("running");
    await eventually(() => sink.records.some((record) => (record.json as { id?: string })?.id === held), 5000, "the held event delivered");
    await expect
      .poll(async () => {
        await page.reload();
        return [await cell(3), await cell(8)];
      })
      .toEqual(["3", "0"]);
    expect(sink.records).toHaveLength(before + 1);
  });

  it("refuses the API without the session, and a change without the CSRF token", async () => {
    expect((await fetch(`${admin}/status`)).status).toBe(401);
    const session = (await context.cookies())[0]!;
    const cookie = `${session.name}=${session.value}`;
    expect((await fetch(`${admin}/status`, { headers: { cookie } })).status).toBe(200);
    const noToken = await fetch(`${admin}/dead-letters/replay`, { method: "POST", headers: { cookie }, body: JSON.stringify({ dryRun: true }) });
    expect(noToken.status).toBe(403);
    // The same from inside the signed-in page: the cookie goes along, the CSRF header does not.
    const inPage = await page.evaluate(async () => {
      const answer = await fetch("/dead-letters/replay", { method: "POST", body: JSON.stringify({ dryRun: true }) });
      return { status: answer.status, body: await answer.json() };
    });
    expect(inPage).toMatchObject({ status: 403, body: { error: "forbidden" } });
  });

  it("is readable at a phone's width: nothing but tables scrolls sideways", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${admin}/console/`);
    await page.getByRole("region", { name: "Routes" }).getByRole("cell", { name: "to-sink", exact: true }).waitFor();
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await screenshot(page, "overview-phone");
    // Keyboard: the skip link comes first and focus is visible.
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
  });

  it("signs out: the cookie no longer opens the API", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const session = (await context.cookies())[0]!;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Admin token").waitFor();
    expect((await fetch(`${admin}/status`, { headers: { cookie: `${session.name}=${session.value}` } })).status).toBe(401);
  });
});
