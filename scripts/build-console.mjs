// Builds the ops console (console/) into dist/console/: one script, one stylesheet, one page —
// no inline script or style, so the admin server's Content-Security-Policy can forbid both.
// Run by `npm run build` after tsc; prints each file's gzipped size (the README quotes it).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "console");
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, "console", "src", "main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  minify: true,
  // Browsers of the last few years: <dialog>, optional chaining, top-level ES modules.
  target: ["chrome110", "firefox110", "safari16"],
  legalComments: "none",
  logLevel: "warning",
});
await build({
  entryPoints: [join(root, "console", "app.css")],
  outfile: join(out, "app.css"),
  bundle: true,
  minify: true,
  logLevel: "warning",
});
copyFileSync(join(root, "console", "index.html"), join(out, "index.html"));

if (!process.argv.includes("--quiet")) {
  let total = 0;
  for (const name of ["index.html", "app.js", "app.css"]) {
    const bytes = readFileSync(join(out, name));
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    total += gzipped;
    console.log(`dist/console/${name}: ${bytes.length} bytes, ${gzipped} gzipped`);
  }
  console.log(`dist/console: ${total} bytes gzipped in all`);
}
