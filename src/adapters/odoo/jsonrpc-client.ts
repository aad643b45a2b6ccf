import { callHttp, describeCall, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer, nextStep } from "../http-errors.js";
import { DeliveryError } from "../port.js";
import type { Scrubber } from "../scrub.js";
import { createdId, type OdooClient } from "./client.js";
import { errorFromOdooException, readOdooException, unexpectedAnswer } from "./odoo-errors.js";

export interface JsonRpcSettings {
  readonly url: string;
  readonly database: string;
  readonly login: string;
  readonly apiKey: string;
  /** `odoo destination "erp"`, for messages. */
  readonly label: string;
}

type RpcOutcome = { readonly result: unknown } | { readonly error: { code?: unknown; data?: unknown; message?: unknown } };

/** Odoo answers code 100 when the session behind a call has expired. */
const SESSION_EXPIRED = 100;

/**
 * Odoo's external JSON-RPC API (`POST /jsonrpc`): `common.login` once for the uid (cached), then
 * stateless `object.execute_kw` calls that carry db, uid and key each time. Errors arrive as
 * HTTP 200 with an `error` member.
 */
export class JsonRpcClient implements OdooClient {
  #uid: Promise<number> | undefined;
  #nextId = 1;
  readonly #endpoint: string;
  readonly #target: string;

  constructor(
    private readonly settings: JsonRpcSettings,
    private readonly scrubber: Scrubber,
  ) {
    this.#endpoint = `${settings.url}/jsonrpc`;
    this.#target = `${settings.label} (${describeCall("POST", this.#endpoint)})`;
  }

  async searchRead(
    model: string,
    domain: unknown[],
    options: { fields: string[]; limit: number; context?: Record<string, unknown> },
    call: CallContext,
  ) {
    const result = await this.#execute(model, "search_read", [domain], options, call);
    return Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
  }

  async create(model: string, values: Record<string, unknown>, call: CallContext): Promise<number> {
    const result = await this.#execute(model, "create", [values], {}, call);
    const id = createdId(result);
    if (id === undefined) throw unexpectedAnswer(this.#target, `create returned ${JSON.stringify(result)?.slice(0, 80)}`);
    return id;
  }

  async write(model: string, ids: number[], values: Record<string, unknown>, call: CallContext): Promise<void> {
    await this.#execute(model, "write", [ids, values], {}, call);
  }

  callMethod(model: string, method: string, ids: number[], call: CallContext): Promise<unknown> {
    return this.#execute(model, method, [ids], {}, call);
  }

  async #execute(model: string, method: string, args: unknown[], kwargs: object, call: CallContext): Promise<unknown> {
    const { database, apiKey } = this.settings;
    for (let attempt = 1; ; attempt += 1) {
      const uid = await this.#login(call);
      const outcome = await this.#rpc("object", "execute_kw", [database, uid, apiKey, model, method, args, kwargs], call);
      if ("result" in outcome) return outcome.result;
      if (outcome.error.code === SESSION_EXPIRED && attempt === 1) {
        this.#uid = undefined;
        continue;
      }
      throw this.#fault(outcome.error);
    }
  }

  #login(call: CallContext): Promise<number> {
    this.#uid ??= (async () => {
      const { database, login, apiKey } = this.settings;
      // Shared by every waiting delivery: bounded by the timeout, not by one caller's signal.
      const shared = { ...call, signal: new AbortController().signal };
      const outcome = await this.#rpc("common", "login", [database, login, apiKey], shared);
      if ("error" in outcome) throw this.#fault(outcome.error);
      // A refused login is `false`, not an error.
      if (typeof outcome.result !== "number") {
        throw new DeliveryError(
          "credentials",
          `${this.#target}: Odoo refused login "${login}" on database "${database}" — credentials, check login, database and apiKey (API keys expire); retrying will not help`,
        );
      }
      return outcome.result;
    })().catch((error: unknown) => {
      this.#uid = undefined;
      throw error;
    });
    return this.#uid;
  }

  async #rpc(service: string, method: string, args: unknown[], call: CallContext): Promise<RpcOutcome> {
    const body = JSON.stringify({ jsonrpc: "2.0", method: "call", id: this.#nextId++, params: { service, method, args } });
    const context = { ...call, target: this.#target };
    const answer = await callHttp(
      { method: "POST", url: this.#endpoint, headers: { "content-type": "application/json", accept: "application/json" }, body },
      context,
    );
    if (answer.status !== 200) throw errorFromAnswer(answer, { target: context.target, scrubber: this.scrubber });
    const reply = parseJson(answer.text) as Record<string, unknown> | undefined;
    if (reply && typeof reply.error === "object" && reply.error !== null) return { error: reply.error };
    if (reply && "result" in reply) return { result: reply.result };
    throw unexpectedAnswer(context.target, "the answer is not JSON-RPC: check url (the instance's base URL)");
  }

  #fault(error: { code?: unknown; data?: unknown; message?: unknown }): DeliveryError {
    const exception = readOdooException(error.data) ?? {
      name: error.code === SESSION_EXPIRED ? "SessionExpired" : "OdooServerError",
      message: typeof error.message === "string" ? error.message : "",
    };
    // A session still expired right after a fresh login is the server's trouble, not the payload's.
    if (error.code === SESSION_EXPIRED) {
      return new DeliveryError("transient", `${this.#target}: Odoo session expired again after a fresh login — transient, ${nextStep("transient")}`, {
        status: 200,
      });
    }
    return errorFromOdooException(this.#target, exception, this.scrubber);
  }
}
