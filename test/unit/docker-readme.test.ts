import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dockerfileStages, portMapping, references, service, withDefaults } from "../helpers/compose-file.js";

/** The README's "### Docker" section, up to the next heading of its level or above. */
function dockerSection(): string {
  const readme = readFileSync("README.md", "utf8");
  const start = readme.indexOf("\n### Docker\n");
  expect(start).toBeGreaterThan(0);
  const rest = readme.slice(start + 1);
  const end = rest.slice(1).search(/\n#{1,3} /);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

const section = dockerSection();

/** The host port a published mapping defaults to, and the variable that moves it. */
function hostPort(serviceName: string, index: number): { variable: string; port: string } {
  const mapping = portMapping(service(serviceName).ports![index]!);
  return { variable: references(mapping.host)[0]!.name, port: withDefaults(mapping.host) };
}

// What a reader of the README types must match what compose and the image really do.
describe("the README's Docker section", () => {
  it("gives the command that starts everything", () => {
    expect(section).toContain("cp -n example.env .env && docker compose up --build");
  });

  it("names each published host port with its default and its variable", () => {
    for (const [name, index] of [
      ["router", 0],
      ["rabbitmq", 0],
      ["rabbitmq", 1],
    ] as const) {
      const { variable, port } = hostPort(name, index);
      expect(section).toMatch(new RegExp(`\`[0-9.]+:${port}\` \\| \`${variable}\``));
    }
  });

  it("sends from the host to the router's published port", () => {
    const { port } = hostPort("router", 0);
    const command = /npx webhook-router send (\S+) (\S+) --url http:\/\/127\.0\.0\.1:(\d+)\/webhooks\/(\S+)/.exec(section);
    expect(command?.[3]).toBe(port);
    expect(command?.[4]).toBe(command?.[1]);
    expect(existsSync(command![2]!)).toBe(true);
  });

  it("sends from inside the container samples the image really carries", () => {
    const runtime = dockerfileStages().at(-1)!.body;
    const paths = [...section.matchAll(/docker compose exec router webhook-router send \S+ (\/app\/samples\/\S+)/g)].map((match) => match[1]!);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      const [, source, file] = /^\/app\/samples\/([^/]+)\/(.+)$/.exec(path)!;
      expect(runtime).toContain(`COPY test/fixtures/${source} ./samples/${source}`);
      expect(existsSync(`test/fixtures/${source}/${file}`)).toBe(true);
    }
  });

  it("lists exactly the variables compose sets over .env, and says LOG_LEVEL is not one", () => {
    for (const name of Object.keys(service("router").environment ?? {})) expect(section).toContain(`\`${name}\``);
    expect(section).toMatch(/`LOG_LEVEL`, the secrets and everything else come from `\.env` unchanged/);
  });

  it("says what was and was not run, since no Docker engine runs here", () => {
    expect(section).toContain("No Docker engine runs on the machine this was built on");
    expect(section).toMatch(/Not\s+checked:/);
  });
});
