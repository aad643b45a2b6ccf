import { z } from "zod";
import { urlTemplateProblem } from "./url-template.js";

/** Fields every destination kind accepts. */
export const commonFields = {
  /**
   * Budget for each call to the target, in milliseconds; a slower answer is a transient failure.
   * @defaultValue 10000
   */
  timeoutMs: z.number().int().positive().max(300_000).default(10_000),
};

/** An absolute http(s) URL without placeholders. */
export const httpUrl = z
  .string()
  .refine((value) => isHttpUrl(value), "expected an absolute http:// or https:// URL")
  .transform((value) => value.replace(/\/+$/, ""));

/** A URL that may hold `{event.…}` / `{payload.…}` placeholders. */
export const urlTemplate = z.string().superRefine((value, ctx) => {
  const problem = urlTemplateProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
  else if (!isHttpUrl(value.replace(/\{[^{}]*\}/g, "x"))) {
    ctx.addIssue({ code: "custom", message: "expected an absolute http:// or https:// URL" });
  }
});

/** A secret after `${VAR}` interpolation: an unset variable must not become an empty credential. */
export const secret = z.string().min(1, "is empty: is its ${VAR} set?");

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
