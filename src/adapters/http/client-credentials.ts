import type { CallContext } from "../http-call.js";
import { requestToken, type TokenGrant } from "../oauth/oauth-token.js";
import type { Scrubber } from "../scrub.js";

export interface ClientCredentialsSettings {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string | undefined;
  readonly clientAuth: "basic" | "body";
}

/**
 * OAuth2 client-credentials tokens, cached until shortly before they expire. Concurrent
 * deliveries share one token request, so a burst does not hammer the token endpoint.
 */
export class ClientCredentials {
  #grant: TokenGrant | undefined;
  #pending: Promise<TokenGrant> | undefined;

  constructor(
    private readonly settings: ClientCredentialsSettings,
    private readonly scrubber: Scrubber,
  ) {}

  async token(context: CallContext): Promise<string> {
    const grant = this.#grant;
    if (grant && Date.now() < grant.renewAtMs) return grant.accessToken;
    if (!this.#pending) {
      // Shared by every waiting delivery, so one caller's abort must not fail the others:
      // the token call is bounded by the timeout alone.
      // Named fields, not a spread: the http adapter's context computes `target` in a getter.
      const shared = { timeoutMs: context.timeoutMs, target: context.target, signal: new AbortController().signal, scrubber: this.scrubber };
      this.#pending = requestToken(
        {
          tokenUrl: this.settings.tokenUrl,
          clientId: this.settings.clientId,
          clientSecret: this.settings.clientSecret,
          clientAuth: this.settings.clientAuth,
          form: { grant_type: "client_credentials", scope: this.settings.scope },
        },
        shared,
      ).finally(() => {
        this.#pending = undefined;
      });
    }
    this.#grant = await this.#pending;
    return this.#grant.accessToken;
  }

  /** Forgets `token` after the target refused it; a newer token fetched meanwhile is kept. */
  invalidate(token: string): void {
    if (this.#grant?.accessToken === token) this.#grant = undefined;
  }
}
