import type { CallContext } from "../http-call.js";

/** The few ORM calls the adapter needs, over either wire protocol. */
export interface OdooClient {
  searchRead(
    model: string,
    domain: unknown[],
    options: { fields: string[]; limit: number; context?: Record<string, unknown> },
    call: CallContext,
  ): Promise<Array<Record<string, unknown>>>;
  /** Returns the new record's id. */
  create(model: string, values: Record<string, unknown>, call: CallContext): Promise<number>;
  write(model: string, ids: number[], values: Record<string, unknown>, call: CallContext): Promise<void>;
  /** A button method on records, e.g. `action_confirm`. */
  callMethod(model: string, method: string, ids: number[], call: CallContext): Promise<unknown>;
}

/** `create` answers an id, or a list of one id for model_create_multi; undefined otherwise. */
export function createdId(result: unknown): number | undefined {
  const id = Array.isArray(result) ? result[0] : result;
  return typeof id === "number" && Number.isInteger(id) ? id : undefined;
}
