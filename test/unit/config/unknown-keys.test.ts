import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { problemLines, routesDir } from "../../helpers/config-problems.js";

const SOURCE = "sources:\n  app:\n    verify: { preset: github, secret: s3cret }\n";
const SINK = "destinations:\n  sink:\n    kind: http\n    url: http://127.0.0.1:9/in\n";
/** The problems of one routes file, each without the folder the test wrote it to. */
const problemsOf = (yaml: string) =>
  problemLines(() => loadRoutes(routesDir(yaml), {})).map((line) => line.replace(/^.*routes\.yaml:/, "routes.yaml:"));

describe("a misspelt key is one problem that names the key meant", () => {
  it("says once that `destinaton` is probably `destination`, not also that `destination` is missing", () => {
    expect(problemLines(() => loadRoutes("test/fixtures/routes/misspelt-required", {}))).toEqual([
      "test/fixtures/routes/misspelt-required/routes.yaml:11:5 at routes.r: unknown key `destinaton` — did you mean `destination`?",
    ]);
  });

  it("suggests an optional key with two letters swapped", () => {
    expect(problemLines(() => loadRoutes("test/fixtures/routes/typo", {}))).toEqual([
      "test/fixtures/routes/typo/sources.yaml:6:5 at sources.acme: unknown key `evnet` — did you mean `event`?",
    ]);
  });

  it("suggests a key written in another case", () => {
    const yaml = "sources:\n  app:\n    verify: { preset: github, secret: s3cret }\n    limits: { ratelimit: false }\n";
    expect(problemsOf(yaml)).toEqual(["routes.yaml:4:15 at sources.app.limits: unknown key `ratelimit` — did you mean `rateLimit`?"]);
  });

  it("suggests a destination's misspelt `kind`, which zod would report only as missing", () => {
    const yaml = `${SOURCE}destinations:\n  sink:\n    kidn: http\n    url: http://127.0.0.1:9/in\n`;
    expect(problemsOf(yaml)).toEqual(["routes.yaml:6:5 at destinations.sink: unknown key `kidn` — did you mean `kind`?"]);
  });

  it("looks inside the member of a union the value is written as (auth: {type: bearer, …})", () => {
    const yaml = `${SOURCE}${SINK}    auth: { type: bearer, tokn: s3cret }\n`;
    expect(problemsOf(yaml)).toEqual(["routes.yaml:8:27 at destinations.sink.auth: unknown key `tokn` — did you mean `token`?"]);
  });

  it("suggests a top-level section", () => {
    expect(problemsOf(`${SOURCE}rotues: {}\n`)).toEqual(["routes.yaml:4:1: unknown key `rotues` — did you mean `routes`?"]);
  });

  it("says when a key is indented one level too deep", () => {
    const yaml = "sources:\n  app:\n    verify:\n      preset: github\n      secret: s3cret\n      event: { type: url }\n";
    expect(problemsOf(yaml)).toEqual([
      "routes.yaml:6:7 at sources.app.verify: unknown key `event` in `verify`: it belongs beside `verify`, one level up (check its indentation)",
    ]);
  });

  it("lists the keys it knows when nothing is close", () => {
    expect(problemsOf(`${SOURCE}${SINK}routes:\n  r:\n    events: app.#\n    destination: sink\n    colour: blue\n`)).toEqual([
      expect.stringMatching(
        /^routes\.yaml:12:5 at routes\.r: unknown key `colour` \(expected one of: description, events, filter, enrich, when, mapping, destination, /,
      ),
    ]);
  });
});
