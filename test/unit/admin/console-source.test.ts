import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every source file of the browser console. */
function consoleSources(directory = "console/src"): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? consoleSources(join(directory, entry.name)) : entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

describe("the console's source", () => {
  // Event values are attacker-controlled: the console is XSS-safe because nothing ever parses a string as markup.
  it("never turns a string into markup or code", () => {
    const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval|new Function|setHTMLUnsafe|createContextualFragment|srcdoc)\b/;
    const offenders = consoleSources().flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        // Comments may name what is not used.
        .flatMap((line, index) => (sinks.test(line) && !/^\s*(\/\/|\/?\*)/.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it("has no inline script or style in its page, so the CSP can forbid both", () => {
    const page = readFileSync("console/index.html", "utf8");
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });
});
