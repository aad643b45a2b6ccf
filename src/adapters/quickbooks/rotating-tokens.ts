import type { Logger } from "pino";
import type { CallContext } from "../http-call.js";
import { requestToken } from "../oauth-token.js";
import { DeliveryError } from "../port.js";
import type { Scrubber } from "../scrub.js";
import type { TokenStore } from "../../contracts/token-store.js";

export interface RotatingTokensSettings {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The refresh token from the configuration: the starting point, and the fallback. */
  readonly configuredRefreshToken: string;
  /** Where the latest refresh token is kept, e.g. `quickbooks:books:refresh`. */
  readonly storeKey: string;
}

/**
 * Access tokens from a refresh token that the server rotates (QuickBooks, Xero): every refresh
 * may return a new refresh token, which is stored at once because the old one stops working.
 * One refresh at a time per destination: two concurrent refreshes with the same token could
 * leave the loser holding a revoked one.
 */
export class RotatingTokens {
  #accessToken: string | undefined;
  #renewAtMs = 0;
  #pending: Promise<string> | undefined;
  /** The latest refresh token seen, in case the store failed to keep it. */
  #latest: string | undefined;

  constructor(
    private readonly settings: RotatingTokensSettings,
    private readonly store: TokenStore,
    private readonly scrubber: Scrubber,
    private readonly logger: Logger,
  ) {
    scrubber.add(settings.clientSecret);
    scrubber.add(settings.configuredRefreshToken);
  }

  async accessToken(context: CallContext): Promise<string> {
    if (this.#accessToken && Date.now() < this.#renewAtMs) return this.#accessToken;
    // Shared by every waiting delivery: bounded by the timeout, not by one caller's signal.
    this.#pending ??= this.#refresh({ ...context, signal: new AbortController().signal }).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets `token` after the API refused it; a token refreshed meanwhile is kept. */
  invalidate(token: string): void {
    if (this.#accessToken === token) this.#accessToken = undefined;
  }

  async #refresh(context: CallContext): Promise<string> {
    const candidates = await this.#candidates();
    for (const [index, refreshToken] of candidates.entries()) {
      try {
        const grant = await requestToken(
          {
            tokenUrl: this.settings.tokenUrl,
            clientId: this.settings.clientId,
            clientSecret: this.settings.clientSecret,
            clientAuth: "basic",
            form: { grant_type: "refresh_token", refresh_token: refreshToken },
          },
          { ...context, scrubber: this.scrubber },
        );
        await this.#keep(grant.refreshToken ?? refreshToken);
        this.#accessToken = grant.accessToken;
        this.#renewAtMs = grant.renewAtMs;
        this.logger.info({ rotated: grant.refreshToken !== undefined && grant.refreshToken !== refreshToken }, "refreshed the access token");
        return grant.accessToken;
      } catch (error) {
        const more = index < candidates.length - 1;
        if (!(error instanceof DeliveryError) || error.kind !== "credentials" || !more) throw this.#explain(error);
        // After re-authorizing the app, the operator puts the new token in the config while the
        // store still holds the old one: try the configured one before giving up.
        this.logger.warn("the stored refresh token was refused; trying the configured one");
      }
    }
    throw new Error("unreachable: no refresh token candidates");
  }

  /** Stored first (the latest any process saw), then this process's latest, then the config. */
  async #candidates(): Promise<string[]> {
    const stored = await this.store.get(this.settings.storeKey).catch((error: unknown) => {
      this.logger.error({ err: (error as Error).message }, "could not read the refresh token store");
      return undefined;
    });
    this.scrubber.add(stored);
    return [...new Set([stored, this.#latest, this.settings.configuredRefreshToken].filter((token): token is string => !!token))];
  }

  async #keep(refreshToken: string): Promise<void> {
    this.#latest = refreshToken;
    try {
      await this.store.set(this.settings.storeKey, refreshToken);
    } catch (error) {
      // Keep going with the token in memory; after a restart the app may need re-authorizing.
      this.logger.error({ err: (error as Error).message }, "could not store the new refresh token");
    }
  }

  #explain(error: unknown): unknown {
    if (!(error instanceof DeliveryError) || error.kind !== "credentials") return error;
    return new DeliveryError(
      "credentials",
      `${error.message}. If the refresh token was revoked or expired (100 days unused), re-authorize the app and set refreshToken`,
      { ...(error.status === undefined ? {} : { status: error.status }), cause: error },
    );
  }
}
