/** An Odoo exception the fake raises; `name` is the dotted Python name Odoo reports. */
export class OdooException extends Error {
  constructor(
    readonly exceptionName: string,
    message: string,
  ) {
    super(message);
  }
}

export type OdooRecord = Record<string, unknown> & { id: number };
type Args = readonly unknown[];
type Kwargs = Readonly<Record<string, unknown>>;

// The states in which sale.order's action_confirm applies.
const CONFIRMABLE = new Set(["draft", "sent"]);

/**
 * A tiny in-memory ORM: one table per model, the handful of methods the adapters use, with
 * positional (JSON-RPC `execute_kw`) or named (JSON-2) parameters.
 */
export class FakeOrm {
  readonly #tables = new Map<string, Map<number, OdooRecord>>();
  #nextId = 40;

  /** Fields `create` insists on, per model; e.g. `{ "sale.order": ["partner_id"] }`. */
  constructor(private readonly required: Readonly<Record<string, readonly string[]>> = {}) {}

  records(model: string): OdooRecord[] {
    return [...(this.#tables.get(model)?.values() ?? [])];
  }

  /** Inserts a record as if created earlier; returns its id. */
  seed(model: string, values: Record<string, unknown>): number {
    return this.#insert(model, values);
  }

  call(model: string, method: string, args: Args, kwargs: Kwargs): unknown {
    switch (method) {
      case "search_read": {
        const domain = (args[0] ?? kwargs.domain ?? []) as unknown[];
        const fields = (args[1] ?? kwargs.fields) as string[] | undefined;
        const limit = (args[3] ?? kwargs.limit) as number | undefined;
        const found = this.#search(model, domain, kwargs.context);
        return found.slice(0, limit || undefined).map((record) => pick(record, fields));
      }
      case "search":
        return this.#search(model, (args[0] ?? kwargs.domain ?? []) as unknown[], kwargs.context).map((record) => record.id);
      case "read":
        return this.#browse(model, (args[0] ?? kwargs.ids) as number[]).map((record) =>
          pick(record, (args[1] ?? kwargs.fields) as string[] | undefined),
        );
      case "create": {
        const given = args[0] ?? kwargs.vals_list;
        const list = (Array.isArray(given) ? given : [given]) as Array<Record<string, unknown>>;
        const ids = list.map((values) => this.#insert(model, values, true));
        return Array.isArray(given) ? ids : ids[0];
      }
      case "write": {
        const values = (args[1] ?? kwargs.vals) as Record<string, unknown>;
        for (const record of this.#browse(model, (args[0] ?? kwargs.ids) as number[])) Object.assign(record, values);
        return true;
      }
      case "unlink":
        for (const record of this.#browse(model, (args[0] ?? kwargs.ids) as number[])) this.#tables.get(model)?.delete(record.id);
        return true;
      case "action_confirm":
        for (const record of this.#browse(model, (args[0] ?? kwargs.ids) as number[])) {
          if (!CONFIRMABLE.has(String(record.state))) {
            throw new OdooException("odoo.exceptions.UserError", "Some orders are not in a state requiring confirmation.");
          }
          record.state = "sale";
        }
        return true;
      default:
        throw new OdooException("builtins.AttributeError", `The method '${method}' does not exist on the model '${model}'`);
    }
  }

  #insert(model: string, values: Record<string, unknown>, check = false): number {
    if (check) {
      const missing = (this.required[model] ?? []).filter((field) => values[field] === undefined || values[field] === false);
      if (missing.length > 0) {
        throw new OdooException(
          "odoo.exceptions.ValidationError",
          `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Model: ${model}, Field: ${missing.join(", ")}`,
        );
      }
    }
    const table = this.#tables.get(model) ?? new Map<number, OdooRecord>();
    this.#tables.set(model, table);
    const id = ++this.#nextId;
    const defaults = model === "sale.order" ? { name: `S${String(id).padStart(5, "0")}`, state: "draft" } : {};
    table.set(id, { ...defaults, ...values, id });
    return id;
  }

  #browse(model: string, ids: readonly number[] = []): OdooRecord[] {
    const table = this.#tables.get(model);
    const missing = ids.filter((id) => !table?.has(id));
    if (missing.length > 0) {
      throw new OdooException(
        "odoo.exceptions.MissingError",
        `Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(", ")}))`,
      );
    }
    return ids.map((id) => table!.get(id)!);
  }

  #search(model: string, domain: readonly unknown[], context: unknown): OdooRecord[] {
    const activeTest = (context as { active_test?: unknown } | undefined)?.active_test !== false;
    return this.records(model).filter(
      (record) => (!activeTest || record.active !== false) && domain.every((term) => !Array.isArray(term) || matches(record, term)),
    );
  }
}

function matches(record: OdooRecord, [field, operator, value]: unknown[]): boolean {
  const actual = record[String(field)];
  switch (operator) {
    case "=":
      return actual === value;
    case "!=":
      return actual !== value;
    case "in":
      return Array.isArray(value) && value.includes(actual);
    case "not in":
      return Array.isArray(value) && !value.includes(actual);
    case "ilike":
      return String(actual ?? "")
        .toLowerCase()
        .includes(String(value).toLowerCase());
    default:
      throw new OdooException("builtins.ValueError", `Invalid domain operator ${String(operator)}`);
  }
}

function pick(record: OdooRecord, fields: readonly string[] | undefined): Record<string, unknown> {
  if (!fields || fields.length === 0) return { ...record };
  return Object.fromEntries([["id", record.id], ...fields.map((field) => [field, record[field] ?? false])]);
}
