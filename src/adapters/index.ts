import type { Logger } from "pino";
import { createAmqpAdapter, type OpenAmqp } from "./amqp/amqp-adapter.js";
import { createHttpAdapter } from "./http/http-adapter.js";
import { createOdooAdapter } from "./odoo/odoo-adapter.js";
import type { Adapter } from "./port.js";
import { createQuickBooksAdapter } from "./quickbooks/quickbooks-adapter.js";
import type { DestinationConfig } from "./schema.js";
import { createShipBobAdapter } from "./shipbob/shipbob-adapter.js";
import { createTrackTikAdapter } from "./tracktik/tracktik-adapter.js";
import { createTrackTileAdapter } from "./tracktile/tracktile-adapter.js";
import { createTrackViaAdapter } from "./trackvia/trackvia-adapter.js";
import type { TokenStore } from "../contracts/token-store.js";

export interface AdapterDeps {
  readonly logger: Logger;
  /** The router's own broker, for `amqp` destinations without a `url`. */
  readonly amqpUrl: string;
  /** How `amqp` destinations open their connection (broker/connection.ts's openConnection); required by them. */
  readonly openAmqp?: OpenAmqp;
  /** Where rotating refresh tokens, and when they expire, are kept (QuickBooks, TrackVia, TrackTik). */
  readonly tokens: TokenStore;
}

/** Builds the adapter for one validated destination. Nothing connects until the first delivery. */
export function createAdapter(id: string, config: DestinationConfig, deps: AdapterDeps): Adapter {
  const logger = deps.logger.child({ destination: id, kind: config.kind });
  switch (config.kind) {
    case "http":
      return createHttpAdapter(id, config, logger);
    case "odoo":
      return createOdooAdapter(id, config, logger);
    case "quickbooks":
      return createQuickBooksAdapter(id, config, { logger, tokens: deps.tokens });
    case "shipbob":
      return createShipBobAdapter(id, config, logger);
    case "trackvia":
      return createTrackViaAdapter(id, config, { logger, tokens: deps.tokens });
    case "tracktik":
      return createTrackTikAdapter(id, config, { logger, tokens: deps.tokens });
    case "tracktile":
      return createTrackTileAdapter(id, config, logger);
    case "amqp":
      if (!deps.openAmqp) throw new Error(`amqp destination "${id}": no way to open AMQP connections was given (openAmqp)`);
      return createAmqpAdapter(id, config, { logger, amqpUrl: deps.amqpUrl, openAmqp: deps.openAmqp });
  }
}
