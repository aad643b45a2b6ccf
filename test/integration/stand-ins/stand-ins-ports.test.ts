import { once } from "node:events";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freeConsecutivePorts, spawnStandIns, untilListening, type StandInsProcess } from "../../helpers/stand-ins-process.js";

let standIns: StandInsProcess | undefined;

afterEach(async () => {
  if (standIns && standIns.child.exitCode === null && standIns.child.signalCode === null) {
    standIns.child.kill("SIGKILL");
    await standIns.exited;
  }
  standIns = undefined;
});

/** Any HTTP answer at all says a stand-in listens there (Tracktile's answers 401 without a token). */
async function answers(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/`)).status;
}

describe("npm run stand-ins: ports", () => {
  it("puts Tracktile's API on STAND_INS_PORT and QuickBooks, Odoo, ShipBob, TrackVia and TrackTik on the next five", async () => {
    const base = await freeConsecutivePorts(6);
    standIns = spawnStandIns({ STAND_INS_PORT: String(base) });
    await untilListening(standIns);

    const order = await fetch(`http://127.0.0.1:${base}/orders/ord_8841`, { headers: { authorization: "Bearer api-dev-token" } });
    expect(order.status).toBe(200);
    expect(await order.json()).toMatchObject({ shortId: "PO-8841" });
    const token = await fetch(`http://127.0.0.1:${base + 1}/oauth2/v1/tokens/bearer`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("dev-qbo-client:dev-qbo-secret").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=refresh_token&refresh_token=dev-qbo-refresh",
    });
    expect(token.status).toBe(200);
    expect(await answers(base + 2)).toBeGreaterThan(0);
    expect(await answers(base + 3)).toBeGreaterThan(0);
    expect(standIns.stdout()).toContain(`ShipBob        http://127.0.0.1:${base + 3}`);
    // example.env's development credentials, as the commented example destinations use them.
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const trackvia = await fetch(`http://127.0.0.1:${base + 4}/oauth/token?user_key=dev-trackvia-user-key`, {
      method: "POST",
      headers: form,
      body: "grant_type=refresh_token&refresh_token=dev-trackvia-refresh&client_id=TrackViaAPI",
    });
    expect(trackvia.status).toBe(200);
    const tracktik = await fetch(`http://127.0.0.1:${base + 5}/rest/oauth2/access_token`, {
      method: "POST",
      headers: form,
      body: "grant_type=password&username=svc-integration&password=dev-tracktik-password&client_id=dev-tracktik-client&client_secret=dev-tracktik-secret",
    });
    expect(tracktik.status).toBe(200);
  });

  it("moves one stand-in alone with its own STAND_IN_<NAME>_PORT", async () => {
    const base = await freeConsecutivePorts(6);
    const odoo = await freeConsecutivePorts(1);
    standIns = spawnStandIns({ STAND_INS_PORT: String(base), STAND_IN_ODOO_PORT: String(odoo) });
    await untilListening(standIns);

    expect(standIns.stdout()).toContain(`Odoo           http://127.0.0.1:${odoo}`);
    expect(await answers(odoo)).toBeGreaterThan(0);
    await expect(answers(base + 2)).rejects.toThrow();
  });

  it("stops with one line naming the taken port and the variable to change, exit 1, when a port is in use", async () => {
    const base = await freeConsecutivePorts(6);
    const squatter = createServer().listen(base + 2, "127.0.0.1");
    await once(squatter, "listening");
    try {
      standIns = spawnStandIns({ STAND_INS_PORT: String(base) });
      expect(await standIns.exited).toBe(1);
      const lines = standIns.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^stand-ins: cannot listen on 127\\.0\\.0\\.1:${base + 2} \\(Odoo\\): the port is in use \\(EADDRINUSE\\)`),
      );
      expect(lines[0]).toContain("STAND_IN_ODOO_PORT");
      expect(lines[0]).toContain("STAND_INS_PORT");
      // The stand-ins it had already started were closed: their ports are free again.
      await expect(answers(base)).rejects.toThrow();
    } finally {
      squatter.close();
    }
  });

  it("refuses a port that is not a number in one line, exit 78, before listening anywhere", async () => {
    standIns = spawnStandIns({ STAND_INS_PORT: "91o1" });
    expect(await standIns.exited).toBe(78);
    expect(standIns.stderr().trim()).toBe('stand-ins: STAND_INS_PORT must be a port number from 1 to 65535, not "91o1"');
  });
});
