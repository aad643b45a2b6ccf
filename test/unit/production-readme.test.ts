import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PRODUCTION_COMPOSE, production, productionService, productionText, routerServices } from "../helpers/compose-production.js";

/** The README's "### Production topology" section, with its #### parts, up to the next ### or above. */
function productionSection(): string {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("\n### Production topology\n");
  expect(start).toBeGreaterThan(0);
  // Under Operations: the last ## heading before it.
  expect([...readme.slice(0, start).matchAll(/^## (.+)$/gm)].at(-1)?.[1]).toBe("Operations");
  const rest = readme.slice(start + 1);
  const end = rest.slice(1).search(/\n#{1,3} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

const section = productionSection();
/** The shell lines of the section's ```sh blocks. */
const shell = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => match[1]!.split("\n")).filter((line) => line.trim());
const alias = /^alias dc='(docker compose [^']+)'/.exec(shell.find((line) => line.startsWith("alias dc=")) ?? "")?.[1];

// What a reader of the README types must match the compose file and what the router does.
describe("the README's Production topology section", () => {
  it("gives the same set-up commands as the compose file's header, copying files that exist to ignored ones", () => {
    const withoutComment = (line: string) => line.replace(/\s+#.*$/, "").trim();
    const header = productionText
      .split("\n")
      .filter((line) => line.startsWith("#   "))
      .map((line) => withoutComment(line.slice(1)));
    const setUp = shell.slice(0, 4).map(withoutComment);
    expect(setUp).toEqual(header);
    const copies = setUp.flatMap((line) => {
      const match = /^cp (\S+) (\S+)$/.exec(line);
      return match ? [{ from: match[1]!, to: match[2]! }] : [];
    });
    expect(copies.map((copy) => copy.to)).toEqual(["deploy/production.env", "deploy/router.env"]);
    for (const { from, to } of copies) {
      expect(existsSync(from), from).toBe(true);
      expect(readFileSync(".gitignore", "utf8").split("\n"), to).toContain(to);
    }
    // The router containers read the file the second copy makes (relative to deploy/).
    for (const name of [...routerServices("ingress"), ...routerServices("worker")])
      expect(`deploy/${productionService(name).env_file}`).toBe(copies[1]!.to);
  });

  it("aliases dc to this compose file and its variables", () => {
    expect(alias).toBe(`docker compose -f ${PRODUCTION_COMPOSE} --env-file deploy/production.env`);
    // The failure emails suggest the same command.
    expect(productionService("worker").environment?.ALERT_CLI_COMMAND).toBe(`${alias} exec worker webhook-router`);
  });

  it("names only services that exist in its dc commands", () => {
    const named = [...section.matchAll(/\bdc (?:pull|up -d --no-deps --wait|exec) ([a-z0-9-]+)/g)].map((match) => match[1]!);
    named.push(...[...section.matchAll(/--scale ([a-z0-9-]+)=/g)].map((match) => match[1]!));
    expect(named.length).toBeGreaterThan(3);
    for (const name of named) expect(production.services, name).toHaveProperty(name);
  });

  it("rolls every router service one at a time, the ingress replicas first", () => {
    const rolled = shell.flatMap((line) => /^dc up -d --no-deps --wait (\S+)$/.exec(line)?.[1] ?? []);
    expect(rolled).toEqual([...routerServices("ingress"), ...routerServices("worker")]);
  });

  it("lists every service, its image and its volumes", () => {
    const table = section.split("\n").filter((line) => line.startsWith("| `"));
    for (const [name, entry] of Object.entries(production.services)) {
      const row = table.find((line) => line.split("|")[1]!.includes(`\`${name.replace(/-\d+$/, "-1")}\``));
      expect(row, name).toBeDefined();
      const image = entry.image!.startsWith("${ROUTER_IMAGE") ? "`ROUTER_IMAGE`" : `\`${entry.image}\``;
      expect(row, name).toContain(image);
      for (const volume of entry.volumes ?? []) {
        const source = volume.split(":")[0]!;
        const shown = source.startsWith("./") ? `deploy/${source.slice(2)}` : source.replace(/-\d+-/, "-N-");
        expect(row, `${name}: ${source}`).toContain(shown);
      }
    }
  });

  it("states the stop grace period and the shutdown budget the compose file sets", () => {
    const grace = productionService("worker").stop_grace_period;
    expect(section).toContain(`\`stop_grace_period: ${grace}\``);
    expect(section).toContain(
      `(\`SHUTDOWN_TIMEOUT_MS\`, ${Number(productionService("worker").environment?.SHUTDOWN_TIMEOUT_MS) / 1000} s per stage)`,
    );
  });

  it("names the alerts and the recording rule of deploy/prometheus/alerts.yml", () => {
    const rules = (
      parse(readFileSync("deploy/prometheus/alerts.yml", "utf8")) as { groups: Array<{ rules: Array<{ alert?: string; record?: string }> }> }
    ).groups.flatMap((group) => group.rules);
    for (const rule of rules) expect(section).toContain(`\`${rule.alert ?? rule.record}\``);
  });

  it("links files that exist", () => {
    for (const [, target] of section.matchAll(/\]\(([^)#]+)\)/g)) expect(existsSync(target!), target).toBe(true);
  });

  it("says what was and was not run, since no Docker engine runs here", () => {
    expect(section).toContain("No Docker engine runs on the machine this was built on");
    expect(section).toMatch(/Not\s+checked:/);
  });
});
