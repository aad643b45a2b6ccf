import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, truncateSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSpool, type OpenedSpool } from "../../../src/spool/open-spool.js";
import { capturingLogger, entry, tempDataDir } from "./spool-files.js";

const EVENTS = 200;
const PAGE = 4096;

describe("a damaged spool file at start-up", () => {
  let data: ReturnType<typeof tempDataDir>;
  let opened: OpenedSpool | undefined;
  afterEach(() => {
    opened?.spool.close();
    data?.cleanup();
  });

  /** A spool of EVENTS ~1 KiB events, closed cleanly (so everything is in the main file). */
  async function writtenSpool(): Promise<string> {
    data = tempDataDir();
    const { spool } = openSpool({ dir: data.dir, maxBytes: 1024 ** 3, logger: capturingLogger().logger });
    await Promise.all(Array.from({ length: EVENTS }, (_, n) => spool.append(entry(n))));
    spool.close();
    return join(data.dir, "spool.sqlite");
  }

  function reopen() {
    const { logger, lines } = capturingLogger();
    opened = openSpool({ dir: data.dir, maxBytes: 1024 ** 3, logger });
    const aside = readdirSync(data.dir).filter((name) => /^spool\.corrupt-.+\.sqlite$/.test(name));
    return { ...opened, lines, aside };
  }

  function overwrite(path: string, offset: number, bytes: Buffer): void {
    const fd = openSync(path, "r+");
    writeSync(fd, bytes, 0, bytes.length, offset);
    closeSync(fd);
  }

  function expectSalvagedInOrder(spool: OpenedSpool["spool"]): number[] {
    const ns = spool.peek(EVENTS).map((event) => JSON.parse(event.body.toString("utf8")).n as number);
    expect(ns).toEqual([...ns].sort((a, b) => a - b));
    for (const event of spool.peek(EVENTS)) expect(event.body.equals(entry(Number(event.id.slice(4))).body)).toBe(true);
    return ns;
  }

  it("garbage over part of it: moved aside untouched, reported, and the readable rows salvaged in order", async () => {
    const path = await writtenSpool();
    overwrite(path, 20 * PAGE, Buffer.alloc(PAGE, 0xa5));
    const damaged = readFileSync(path);

    const { spool, problems, lines, aside } = reopen();
    expect(aside).toHaveLength(1);
    const movedTo = join(data.dir, aside[0]!);
    expect(readFileSync(movedTo).equals(damaged)).toBe(true); // the evidence is kept as it was
    expect(problems).toEqual([expect.objectContaining({ code: "spool_corrupt", message: expect.stringContaining(movedTo) })]);

    const moved = lines.find((line) => line.movedTo === movedTo && line.path === path);
    expect(moved).toMatchObject({ level: 50 });
    const report = lines.find((line) => typeof line.recovered === "number");
    const recovered = expectSalvagedInOrder(spool).length;
    expect(report).toMatchObject({ recovered, lost: EVENTS - recovered });
    expect(recovered).toBeGreaterThan(EVENTS / 2);
    expect(recovered).toBeLessThan(EVENTS);
    expect(spool.depth().count).toBe(recovered);
  });

  it("truncated: the rows before the cut are salvaged, the rest counted as lost", async () => {
    const path = await writtenSpool();
    const full = readFileSync(path).length;
    truncateSync(path, Math.floor(full / 2 / PAGE) * PAGE);

    const { spool, problems, lines, aside } = reopen();
    expect(aside).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "spool_corrupt" });
    const ns = expectSalvagedInOrder(spool);
    expect(ns.length).toBeGreaterThan(0);
    expect(lines.find((line) => typeof line.recovered === "number")).toMatchObject({ recovered: ns.length, lost: EVENTS - ns.length });
  });

  it("not a database at all: moved aside, a fresh spool starts, nothing can be salvaged", async () => {
    const path = await writtenSpool();
    overwrite(path, 0, Buffer.alloc(100, 0x42));

    const { spool, problems, aside } = reopen();
    expect(aside).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/recovered 0 event\(s\).*an unknown number of unreadable/);
    expect(spool.depth()).toEqual({ count: 0, bytes: 0 });
    await spool.append(entry(1)); // the fresh spool works
    expect(spool.peek(1)[0]!.id).toBe("evt_1");
  });

  it("salvages each damaged file once: a restart neither reports it again nor copies its rows twice", async () => {
    const path = await writtenSpool();
    overwrite(path, 20 * PAGE, Buffer.alloc(PAGE, 0xa5));
    const first = reopen();
    const salvaged = first.spool.depth().count;
    expect(existsSync(join(data.dir, `${first.aside[0]}.salvaged`))).toBe(true);
    first.spool.close();

    const again = reopen();
    expect(again.problems).toEqual([]);
    expect(again.spool.depth().count).toBe(salvaged);
  });

  it("finishes a salvage that an earlier start did not complete (killed half-way, say)", async () => {
    const path = await writtenSpool();
    // What a start killed mid-salvage leaves: the file moved aside, no marker, a fresh spool.
    const aside = join(data.dir, "spool.corrupt-2026-01-01T00-00-00-000Z.sqlite");
    renameSync(path, aside);

    const { spool, problems } = reopen();
    expect(problems).toEqual([
      expect.objectContaining({ code: "spool_corrupt", message: expect.stringContaining(`${aside} was not fully salvaged by an earlier start`) }),
    ]);
    expect(spool.depth().count).toBe(EVENTS);
    expect(expectSalvagedInOrder(spool)).toHaveLength(EVENTS);
  });

  it("a sound file is left alone", async () => {
    await writtenSpool();
    const { problems, aside, spool } = reopen();
    expect(problems).toEqual([]);
    expect(aside).toEqual([]);
    expect(spool.depth().count).toBe(EVENTS);
  });
});
