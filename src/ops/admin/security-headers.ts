import type { RequestHandler } from "express";

/**
 * The console's Content-Security-Policy: its own script and stylesheet only, no inline script or
 * style, no framing, and fetches only to this origin. Event data rendered by mistake as markup
 * could still not run a script or load anything from elsewhere.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** On every admin answer: JSON answers gain nothing from being framed or sniffed either. */
export const securityHeaders: RequestHandler = (_request, response, next) => {
  response.set({
    "Content-Security-Policy": CONSOLE_CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  });
  next();
};
