import type { CallContext } from "../http-call.js";
import type { Scrubber } from "../scrub.js";
import { ClientCredentials } from "./client-credentials.js";
import type { HttpAuth } from "./schema.js";

/** Produces the credential headers for a call, and renews them once after a 401 if it can. */
export interface AuthProvider {
  headers(context: CallContext): Promise<Record<string, string>>;
  /** Drops the credential the target just refused; false when there is nothing to renew. */
  renew(refused: Record<string, string>): boolean;
}

export function createAuth(auth: HttpAuth, scrubber: Scrubber): AuthProvider {
  if (auth === "none") return fixed({});
  switch (auth.type) {
    case "bearer":
      scrubber.add(auth.token);
      return fixed({ authorization: `Bearer ${auth.token}` });
    case "basic":
      scrubber.add(auth.password);
      return fixed({ authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}` });
    case "header":
      scrubber.add(auth.value);
      return fixed({ [auth.name.toLowerCase()]: auth.value });
    case "oauth2": {
      scrubber.add(auth.clientSecret);
      const tokens = new ClientCredentials(auth, scrubber);
      return {
        async headers(context) {
          return { authorization: `Bearer ${await tokens.token(context)}` };
        },
        renew(refused) {
          tokens.invalidate((refused.authorization ?? "").replace(/^Bearer /, ""));
          return true;
        },
      };
    }
  }
}

function fixed(headers: Record<string, string>): AuthProvider {
  return { headers: async () => headers, renew: () => false };
}
