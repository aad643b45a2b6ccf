import { TemplateValueError, type Template, type TemplateScope } from "./template.js";

/**
 * Renders a template for a delivery. A missing or unsafe value is the mapping's fault: it is
 * rethrown as a TemplateValueError naming the destination, which the worker dead-letters as
 * `mapping` without calling the target.
 */
export function renderOrReject(template: Template, scope: TemplateScope, what: string): string {
  try {
    return template(scope);
  } catch (error) {
    if (error instanceof TemplateValueError) {
      throw new TemplateValueError(
        `${what}: ${error.message} — nothing was sent; fix the mapping or the template, then replay the dead-lettered event`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}
