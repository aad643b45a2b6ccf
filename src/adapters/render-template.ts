import { DeliveryError } from "./port.js";
import { TemplateValueError, type Template, type TemplateScope } from "./template.js";

/** Renders a template for a delivery; a missing value is a permanent error (the mapping's fault). */
export function renderOrReject(template: Template, scope: TemplateScope, what: string): string {
  try {
    return template(scope);
  } catch (error) {
    if (error instanceof TemplateValueError) {
      throw new DeliveryError(
        "permanent",
        `${what}: ${error.message} — permanent, fix the mapping or the template, then replay the dead-lettered event`,
        { cause: error },
      );
    }
    throw error;
  }
}
