import { callHttp, describeCall, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer, kindForStatus } from "../http-errors.js";
import type { Scrubber } from "../scrub.js";
import { createdId, type OdooClient } from "./client.js";
import { describeOdooException, kindForOdooException, readOdooException, unexpectedAnswer } from "./odoo-errors.js";

export interface Json2Settings {
  readonly url: string;
  readonly database?: string | undefined;
  readonly apiKey: string;
  /** `odoo destination "erp"`, for messages. */
  readonly label: string;
}

/**
 * Odoo 19+'s JSON-2 API: `POST /json/2/<model>/<method>` with named parameters, the API key as
 * bearer token, and real HTTP statuses for errors (`{name, message, …}` bodies).
 */
export class Json2Client implements OdooClient {
  constructor(
    private readonly settings: Json2Settings,
    private readonly scrubber: Scrubber,
  ) {}

  async searchRead(
    model: string,
    domain: unknown[],
    options: { fields: string[]; limit: number; context?: Record<string, unknown> },
    call: CallContext,
  ) {
    const result = await this.#call(model, "search_read", { domain, ...options }, call);
    return Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
  }

  async create(model: string, values: Record<string, unknown>, call: CallContext): Promise<number> {
    const { result, target } = await this.#callWithTarget(model, "create", { vals_list: [values] }, call);
    const id = createdId(result);
    if (id === undefined) throw unexpectedAnswer(target, `create returned ${JSON.stringify(result)?.slice(0, 80)}`);
    return id;
  }

  async write(model: string, ids: number[], values: Record<string, unknown>, call: CallContext): Promise<void> {
    await this.#call(model, "write", { ids, vals: values }, call);
  }

  callMethod(model: string, method: string, ids: number[], call: CallContext): Promise<unknown> {
    return this.#call(model, method, { ids }, call);
  }

  async #call(model: string, method: string, params: object, call: CallContext): Promise<unknown> {
    return (await this.#callWithTarget(model, method, params, call)).result;
  }

  async #callWithTarget(model: string, method: string, params: object, call: CallContext) {
    const url = `${this.settings.url}/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    const target = `${this.settings.label} (${describeCall("POST", url)})`;
    const headers: Record<string, string> = {
      authorization: `bearer ${this.settings.apiKey}`,
      "content-type": "application/json",
      accept: "application/json",
    };
    if (this.settings.database) headers["x-odoo-database"] = this.settings.database;
    const answer = await callHttp({ method: "POST", url, headers, body: JSON.stringify(params) }, { ...call, target });
    if (answer.status >= 200 && answer.status < 300) {
      const result = parseJson(answer.text);
      if (result === undefined && answer.text.trim() !== "") throw unexpectedAnswer(target, "the answer is not JSON: check url");
      return { result, target };
    }
    const exception = readOdooException(parseJson(answer.text));
    const byStatus = kindForStatus(answer.status);
    // The status says whether waiting helps; otherwise the exception name is the sharper signal
    // (an AccessError is an alert for whoever owns the API user, whatever status carries it).
    const kind = byStatus === "transient" ? byStatus : ((exception && kindForOdooException(exception.name)) ?? byStatus);
    throw errorFromAnswer(answer, {
      target,
      scrubber: this.scrubber,
      kind,
      ...(exception ? { detail: describeOdooException(exception, this.scrubber) } : {}),
    });
  }
}
