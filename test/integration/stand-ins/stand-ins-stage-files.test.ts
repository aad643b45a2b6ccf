import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dockerfileStages, type DockerfileStage } from "../../helpers/compose-file.js";
import { spawnStandIns, untilListening, freeConsecutivePorts, type StandInsProcess } from "../../helpers/stand-ins-process.js";

/** The `stand-ins` stage and the stages it is built on, base first. */
function chain(name: string): DockerfileStage[] {
  const stages = dockerfileStages();
  const found: DockerfileStage[] = [];
  for (let stage = stages.find((s) => s.name === name); stage; stage = stages.find((s) => s.name === stage!.from)) found.unshift(stage);
  return found;
}

/**
 * Lays out what the stage's `COPY` lines put in /app, as BuildKit does (a folder's contents go to
 * the destination; files into a destination ending in `/`). `npm ci` is stood in for by this
 * checkout's node_modules, which holds the same lockfile's packages.
 */
function layOut(stages: readonly DockerfileStage[], app: string): void {
  for (const stage of stages) {
    for (const [, args] of stage.body.matchAll(/^COPY\s+(?!--from)(.+)$/gm)) {
      const parts = args!.trim().split(/\s+/);
      const destination = parts.pop()!;
      for (const source of parts) {
        const target = destination.endsWith("/") ? join(app, destination, basename(source)) : join(app, destination);
        mkdirSync(statSync(source).isDirectory() ? target : join(target, ".."), { recursive: true });
        cpSync(source, target, { recursive: true });
      }
    }
  }
  symlinkSync(resolve("node_modules"), join(app, "node_modules"), "dir");
}

let standIns: StandInsProcess | undefined;
let app: string | undefined;

afterEach(async () => {
  if (standIns && standIns.child.exitCode === null) {
    standIns.child.kill("SIGKILL");
    await standIns.exited;
  }
  if (app) rmSync(app, { recursive: true, force: true });
  standIns = undefined;
  app = undefined;
});

// No Docker engine runs where this is built: the next best proof that the stage copies every file
// the stand-ins import is to run its CMD in a folder holding only those files.
describe("the Dockerfile's stand-ins stage", () => {
  it("copies everything its CMD needs: the stand-ins start from those files alone, on 0.0.0.0", async () => {
    const stages = chain("stand-ins");
    expect(stages.map((stage) => stage.name)).toEqual(["build", "stand-ins"]);
    app = mkdtempSync(join(tmpdir(), "wr-stand-ins-stage-"));
    layOut(stages, app);
    const standInsStage = stages.at(-1)!.body;
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(standInsStage)![1]!) as string[];
    const host = /^ENV STAND_INS_HOST=(\S+)$/m.exec(standInsStage)![1]!;
    expect(cmd.slice(0, 1)).toEqual(["node"]);

    // The image's ports are the defaults; here a free base, so a running `npm run stand-ins` does not matter.
    const base = await freeConsecutivePorts(6);
    standIns = spawnStandIns({ STAND_INS_HOST: host, STAND_INS_PORT: String(base) }, [process.execPath, cmd.slice(1)], app);
    await untilListening(standIns);
    expect(standIns.stdout()).toContain("stand-ins listening on 0.0.0.0");
    const order = await fetch(`http://127.0.0.1:${base}/orders/ord_8841`, { headers: { authorization: "Bearer api-dev-token" } });
    expect(order.status).toBe(200);
  });
});
