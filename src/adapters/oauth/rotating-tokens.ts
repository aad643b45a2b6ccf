import type { Logger } from "pino";
import type { CallContext } from "../http-call.js";
import { requestToken } from "./oauth-token.js";
import { DeliveryError } from "../port.js";
import type { Scrubber } from "../scrub.js";
import type { TokenStore } from "../../contracts/token-store.js";
import { encodeTokenExpiry } from "../../contracts/token-expiry.js";
import { leaseOwner, underLease } from "../token-lease.js";
import { decodeSharedAccess, encodeSharedAccess, type SharedAccess } from "./shared-access.js";

export interface RotatingTokensSettings {
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Absent for a public client (TrackVia's `TrackViaAPI`). */
  readonly clientSecret?: string | undefined;
  /** How the client authenticates to the token endpoint. @defaultValue "basic" */
  readonly clientAuth?: "basic" | "body" | "none";
  /** The refresh token from the configuration: the starting point, and the fallback. */
  readonly configuredRefreshToken?: string | undefined;
  /**
   * A grant that needs no refresh token (`{ grant_type: "password", username, password }`): used
   * when there is no refresh token yet, or every one was refused. With it, an expired refresh
   * token heals by itself; without it, a person must supply a new one.
   */
  readonly login?: Readonly<Record<string, string>> | undefined;
  /** Where the refresh token's expiry is recorded for the operators' warning (contracts/token-expiry.ts). */
  readonly expiryKey?: string | undefined;
  /** What an operator does when every grant is refused, appended to the error. @defaultValue QuickBooks' advice */
  readonly refusedHint?: string | undefined;
  /**
   * After every grant was refused, fail deliveries with that refusal for this long instead of
   * asking again (TrackTik blocks an IP for 2 hours after 40 failed logins in 2 minutes).
   * @defaultValue 0
   */
  readonly refusalCooldownMs?: number | undefined;
  /** Where the latest refresh token is kept, e.g. `quickbooks:books:refresh`. */
  readonly storeKey: string;
  /** Where the access token that came with it is kept for the other processes, e.g. `quickbooks:books:access`. */
  readonly accessKey: string;
}

/** Refresh tokens one refresh may try (stored, this process's latest, configured): the lease covers them all. */
const MAX_CANDIDATES = 3;

/** What the store held when read; undefined when it could not be read. */
type Read = { readonly value: string | undefined } | undefined;

/**
 * Access tokens from a refresh token that the server rotates (QuickBooks, Xero): every refresh
 * may return a new refresh token, which is stored at once because the old one stops working.
 * One refresh at a time per destination, in this process and across every process sharing the
 * token store (its lease): two concurrent refreshes with the same token could leave the loser
 * holding a revoked one. A process that finds the stored refresh token changed since it last
 * looked takes the access token the other process stored with it instead of refreshing again.
 */
export class RotatingTokens {
  #accessToken: string | undefined;
  #renewAtMs = 0;
  #pending: Promise<string> | undefined;
  /** The latest refresh token seen, in case the store failed to keep it. */
  #latest: string | undefined;
  /** The stored refresh token as this process last knew it: another value means another process refreshed. */
  #known: string | undefined;
  /** The access token the API refused last: never taken from the store again. */
  #refused: string | undefined;
  /** The access token last taken from the store. */
  #adopted: string | undefined;
  readonly #owner = leaseOwner();
  /** The last refusal of every grant, repeated until `#refusedUntilMs` (refusalCooldownMs). */
  #refusal: DeliveryError | undefined;
  #refusedUntilMs = 0;

  constructor(
    private readonly settings: RotatingTokensSettings,
    private readonly store: TokenStore,
    private readonly scrubber: Scrubber,
    private readonly logger: Logger,
  ) {
    scrubber.add(settings.clientSecret);
    scrubber.add(settings.configuredRefreshToken);
    for (const [name, value] of Object.entries(settings.login ?? {})) if (name !== "grant_type" && name !== "username") scrubber.add(value);
  }

  async accessToken(context: CallContext): Promise<string> {
    if (this.#accessToken && Date.now() < this.#renewAtMs) return this.#accessToken;
    if (this.#refusal && Date.now() < this.#refusedUntilMs) throw this.#refusal;
    // Shared by every waiting delivery: bounded by the timeout, not by one caller's signal.
    this.#pending ??= this.#renew({ ...context, signal: new AbortController().signal }).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forgets `token` after the API refused it; a token refreshed meanwhile is kept. */
  invalidate(token: string): void {
    this.#refused = token;
    if (this.#accessToken === token) this.#accessToken = undefined;
  }

  /**
   * Whether `token` came from another process's refresh: the API may have refused it there too
   * (all tokens revoked at once), so after a refusal a refresh of this process's own is worth a try.
   */
  fromAnotherProcess(token: string): boolean {
    return token === this.#adopted;
  }

  async #renew(context: CallContext): Promise<string> {
    const { storeKey } = this.settings;
    // A process that has not looked yet compares with what the store holds now: at its first
    // refresh it refreshes, as a single process always did.
    const known = this.#known ?? (await this.#read(storeKey))?.value;
    const lease = { store: this.store, key: storeKey, owner: this.#owner, ttlMs: MAX_CANDIDATES * context.timeoutMs + 5000, what: context.target };
    return underLease(lease, this.logger, async () => {
      const stored = await this.#read(storeKey);
      const shared = stored?.value !== undefined && stored.value !== known ? await this.#sharedAccess(stored.value) : undefined;
      return shared ? this.#adopt(shared) : this.#refresh(context, stored);
    });
  }

  async #refresh(context: CallContext, stored: Read): Promise<string> {
    // Stored first (the latest any process saw), then this process's latest, then the config.
    const candidates = [...new Set([stored?.value, this.#latest, this.settings.configuredRefreshToken].filter((token): token is string => !!token))];
    const { login } = this.settings;
    for (const [index, refreshToken] of candidates.entries()) {
      try {
        return await this.#grant(context, stored, { grant_type: "refresh_token", refresh_token: refreshToken }, refreshToken);
      } catch (error) {
        const more = index < candidates.length - 1 || login !== undefined;
        if (!(error instanceof DeliveryError) || error.kind !== "credentials" || !more) throw this.#explain(error);
        // After re-authorizing the app, the operator puts the new token in the config while the
        // store still holds the old one: try the configured one (then a login) before giving up.
        this.logger.warn(
          index < candidates.length - 1
            ? "the stored refresh token was refused; trying the configured one"
            : "the refresh token was refused; logging in again",
        );
      }
    }
    if (!login) throw new Error("unreachable: no refresh token candidates and no login");
    try {
      return await this.#grant(context, stored, login, undefined);
    } catch (error) {
      throw this.#explain(error);
    }
  }

  /** One token request; the access token and the refresh token it brings are kept and shared. */
  async #grant(context: CallContext, stored: Read, form: Readonly<Record<string, string>>, sentRefreshToken: string | undefined): Promise<string> {
    const grant = await requestToken(
      {
        tokenUrl: this.settings.tokenUrl,
        clientId: this.settings.clientId,
        clientSecret: this.settings.clientSecret,
        clientAuth: this.settings.clientAuth ?? "basic",
        form,
      },
      { ...context, scrubber: this.scrubber },
    );
    this.#accessToken = grant.accessToken;
    this.#renewAtMs = grant.renewAtMs;
    const refreshToken = grant.refreshToken ?? sentRefreshToken;
    if (refreshToken) {
      await this.#keep({ token: grant.accessToken, renewAtMs: grant.renewAtMs, refreshToken }, stored);
    }
    await this.#recordExpiry(grant.refreshExpiresAtMs);
    this.logger.info(
      { grant: form.grant_type, rotated: grant.refreshToken !== undefined && grant.refreshToken !== sentRefreshToken },
      sentRefreshToken ? "refreshed the access token" : "logged in for an access token",
    );
    return grant.accessToken;
  }

  /**
   * Records when the refresh token expires, for the warning email — only when its expiry needs a
   * person: with a login grant the router just logs in again.
   */
  async #recordExpiry(expiresAtMs: number | undefined): Promise<void> {
    const { expiryKey, login } = this.settings;
    if (!expiryKey || login || expiresAtMs === undefined) return;
    await this.store
      .set(expiryKey, encodeTokenExpiry({ what: "refresh token", expiresAt: new Date(expiresAtMs).toISOString() }))
      .catch((error: unknown) => {
        this.logger.warn({ err: (error as Error).message }, "could not record when the refresh token expires");
      });
  }

  /** Takes the access token another process refreshed: no second refresh, no revoked token. */
  #adopt(shared: SharedAccess): string {
    this.scrubber.add(shared.token);
    this.#adopted = shared.token;
    this.#accessToken = shared.token;
    this.#renewAtMs = shared.renewAtMs;
    this.#latest = shared.refreshToken;
    this.#known = shared.refreshToken;
    this.logger.info("took the access token another process refreshed");
    return shared.token;
  }

  /** The access token stored with `refreshToken`, if still good and not the one just refused. */
  async #sharedAccess(refreshToken: string): Promise<SharedAccess | undefined> {
    const shared = decodeSharedAccess((await this.#read(this.settings.accessKey))?.value);
    if (!shared || shared.refreshToken !== refreshToken || shared.token === this.#refused || shared.renewAtMs <= Date.now()) return undefined;
    return shared;
  }

  async #read(key: string): Promise<Read> {
    try {
      const value = await this.store.get(key);
      this.scrubber.add(value);
      return { value };
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, "could not read the refresh token store");
      return undefined;
    }
  }

  /**
   * Stores the new refresh token unless another process stored a different one since `stored`
   * was read (never an older token over a newer one), then the access token for the others.
   */
  async #keep(access: SharedAccess, stored: Read): Promise<void> {
    const { refreshToken } = access;
    this.#latest = refreshToken;
    this.#known = refreshToken;
    let kept = true;
    try {
      // Unread (the store was down): written as before, under the lease.
      if (stored) kept = await this.store.compareAndSet(this.settings.storeKey, stored.value, refreshToken);
      else await this.store.set(this.settings.storeKey, refreshToken);
    } catch (error) {
      // Keep going with the token in memory; after a restart the app may need re-authorizing.
      this.logger.error({ err: (error as Error).message }, "could not store the new refresh token");
      return;
    }
    if (!kept) {
      // Only when leases overlapped (a refresh outlived its lease): the other token may be newer.
      this.logger.warn("another process stored a different refresh token meanwhile; it is left alone");
      return;
    }
    await this.store.set(this.settings.accessKey, encodeSharedAccess(access)).catch((error: unknown) => {
      // The other processes then refresh for themselves.
      this.logger.warn({ err: (error as Error).message }, "could not share the new access token");
    });
  }

  #explain(error: unknown): unknown {
    if (!(error instanceof DeliveryError) || error.kind !== "credentials") return error;
    const explained = new DeliveryError(
      "credentials",
      `${error.message}. ${this.settings.refusedHint ?? "If the refresh token was revoked or expired (100 days unused), re-authorize the app and set refreshToken"}`,
      { ...(error.status === undefined ? {} : { status: error.status }), cause: error },
    );
    const cooldown = this.settings.refusalCooldownMs ?? 0;
    if (cooldown > 0) {
      this.#refusal = explained;
      this.#refusedUntilMs = Date.now() + cooldown;
    }
    return explained;
  }
}
