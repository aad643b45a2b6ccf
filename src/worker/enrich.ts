import { callHttp, describeCall, parseJson } from "../adapters/http-call.js";
import { errorFromAnswer } from "../adapters/http-errors.js";
import { DeliveryError } from "../adapters/port.js";
import { Scrubber } from "../adapters/scrub.js";
import { TemplateValueError } from "../adapters/template.js";
import { compileUrlTemplate } from "../adapters/url-template.js";
import type { EnrichmentConfig } from "../config/route-schema.js";
import type { CloudEvent } from "../contracts/cloud-event.js";
import { MappingError } from "../mapping/apply-route.js";

/**
 * An enrichment call failed: classified like a delivery (transient, permanent, credentials), and
 * naming the step and its call (method, host and path — no query, no credentials), so an alert
 * can say that the enrichment failed and the destination was never called.
 */
export class EnrichmentError extends DeliveryError {
  constructor(
    failure: DeliveryError,
    /** The step's `as`. */
    readonly step: string,
    /** `GET host/path`, from describeCall. */
    readonly call: string,
  ) {
    super(failure.kind, failure.message, { status: failure.status, retryAfterMs: failure.retryAfterMs, cause: failure });
  }
}

/** Fetches what a route needs beyond the event; results keyed by each step's `as`. */
export type Enricher = (event: CloudEvent) => Promise<Record<string, unknown>>;

/**
 * Builds a route's enrichment: for each step an authenticated GET (e.g. Tracktile's
 * `GET /orders/{event.data.orderId}`) whose JSON the filter and mapping read as `$<as>`.
 * Thin webhooks make this necessary. Failures are classified like deliveries: 5xx/429/network
 * retry, 401/403 is a credentials alert, other 4xx dead-letter.
 */
export function createEnricher(routeId: string, steps: readonly EnrichmentConfig[]): Enricher {
  if (steps.length === 0) return async () => ({});
  const compiled = steps.map((step) => ({
    step,
    url: compileUrlTemplate(step.url),
    scrubber: new Scrubber(Object.values(step.headers)),
  }));
  return async (event) => {
    const results: Record<string, unknown> = {};
    for (const { step, url, scrubber } of compiled) {
      let target: string;
      try {
        target = url({ event, payload: undefined });
      } catch (error) {
        if (error instanceof TemplateValueError) throw new MappingError(`enrichment ${step.as}: ${error.message}`);
        throw error;
      }
      const call = describeCall("GET", target);
      try {
        results[step.as] = await fetchJson(step, target, `enrichment ${step.as} of route ${routeId} (${call})`, scrubber);
      } catch (error) {
        if (error instanceof DeliveryError) throw new EnrichmentError(error, step.as, call);
        throw error;
      }
    }
    return results;
  };
}

async function fetchJson(step: EnrichmentConfig, target: string, where: string, scrubber: Scrubber): Promise<unknown> {
  const answer = await callHttp(
    { method: "GET", url: target, headers: { accept: "application/json", ...step.headers } },
    { signal: AbortSignal.timeout(step.timeout), timeoutMs: step.timeout, target: where },
  );
  if (answer.status < 200 || answer.status >= 300) throw errorFromAnswer(answer, { target: where, scrubber });
  const json = parseJson(answer.text);
  if (json === undefined) throw new DeliveryError("permanent", `${where} answered ${answer.status} with a body that is not JSON`);
  return json;
}
