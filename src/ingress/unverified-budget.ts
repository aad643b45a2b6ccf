/**
 * Bytes of webhook bodies read but not yet verified, all requests together (UNVERIFIED_BYTES_MAX).
 * Until its signature is checked a body is anyone's, and its buffers live outside the V8 heap,
 * where no heap limit stops them: without a cap, 1,500 junk 1 MiB uploads held 1.6 GB.
 */
export interface UnverifiedBudget {
  /** A new request's share, empty; release it once the body is verified, refused or abandoned. */
  open(): Reservation;
  /** Bytes held now. */
  readonly held: number;
}

export interface Reservation {
  /**
   * Holds `bytes` more of a body that is (or declares to be) `bodyBytes` in all.
   * @returns false, holding nothing more, when that would pass the cap.
   */
  take(bytes: number, bodyBytes: number): boolean;
  /** Gives back everything taken; once is enough, more is harmless. */
  release(): void;
}

/** Bodies up to this size may use the whole budget; larger ones only LARGE_SHARE of it. */
export const SMALL_BODY = 64 * 1024;
const LARGE_SHARE = 0.75;

/**
 * The cap, with a reserve for small bodies: large uploads (over 64 KiB, or chunked ones once past
 * it) may fill only three quarters of it, so a flood of large junk cannot shut out the small
 * deliveries that nearly all webhooks are.
 */
export function createUnverifiedBudget(max: number): UnverifiedBudget {
  const largeMax = Math.floor(max * LARGE_SHARE);
  let held = 0;
  return {
    get held() {
      return held;
    },
    open() {
      let mine = 0;
      return {
        take(bytes, bodyBytes) {
          if (held + bytes > (bodyBytes <= SMALL_BODY ? max : largeMax)) return false;
          held += bytes;
          mine += bytes;
          return true;
        },
        release() {
          held -= mine;
          mine = 0;
        },
      };
    },
  };
}
