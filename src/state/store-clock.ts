import { sql } from "kysely";

/**
 * Now in epoch ms by PostgreSQL's clock, not the workers': machines sharing the store may
 * disagree by seconds, so leases that expire are timed by the one clock they all share.
 */
export const POSTGRES_NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
