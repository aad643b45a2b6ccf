import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Response, Router } from "express";

/**
 * Where `npm run build` writes the console (scripts/build-console.mjs): `dist/console/` of the
 * package, three levels above this file both as src/ops/admin/*.ts and as dist/ops/admin/*.js.
 */
export const CONSOLE_DIR = fileURLToPath(new URL("../../../dist/console/", import.meta.url));

const FILES = {
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
  "index.html": "text/html; charset=utf-8",
} as const;

/**
 * The console's three files, read once: `/` redirects to `/console/`, `/console/app.js` and
 * `/console/app.css` are themselves, and every other `/console/…` path is index.html (the console
 * routes by path, so a journey's link opens that journey). They carry no data and need no sign-in.
 */
export function consoleAssets(directory = CONSOLE_DIR): Router {
  const router = Router();
  const built = existsSync(`${directory}/index.html`);
  const files = new Map(
    built ? Object.entries(FILES).map(([name, type]) => [name, { type, body: readFileSync(`${directory}/${name}`) }] as const) : [],
  );
  const send = (response: Response, name: keyof typeof FILES) => {
    const file = files.get(name);
    if (!file) {
      response.status(503).type("text/plain").send("The console is not built: run `npm run build` (it writes dist/console/).\n");
      return;
    }
    // Small enough to fetch each time; no stale console after an upgrade.
    response.set({ "Content-Type": file.type, "Cache-Control": "no-cache" }).send(file.body);
  };
  router.get("/", (_request, response) => response.redirect(302, "/console/"));
  // A regular expression: express matches "/console" to "/console/" too, which would redirect forever.
  router.get(/^\/console$/, (_request, response) => response.redirect(301, "/console/"));
  router.get("/console/app.js", (_request, response) => send(response, "app.js"));
  router.get("/console/app.css", (_request, response) => send(response, "app.css"));
  router.get(/^\/console\/.*/, (_request, response) => send(response, "index.html"));
  return router;
}
