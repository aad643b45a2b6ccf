import { z } from "zod";

/** A plain address for failure emails, e.g. `ops@example.com`. */
export const emailAddress = z
  .string()
  .trim()
  .regex(/^[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+$/, "expected an email address such as ops@example.com");
