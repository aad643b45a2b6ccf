import { existsSync } from "node:fs";
import { redactUrl } from "../config/env.js";
import { openStateDb, type StateDb, stateFile } from "../state/state-db.js";
import { StateStoreError } from "./command-needs.js";

/** The store where the router keeps it; never a fresh, empty one in whatever folder this runs from. */
export async function openStore(dataDir: string, databaseUrl: string | undefined): Promise<StateDb> {
  const file = stateFile(dataDir);
  if (!databaseUrl && !existsSync(file)) {
    throw new StateStoreError(`no state store at ${file} (DATA_DIR) and no DATABASE_URL: run this where the router keeps its data, or set them`);
  }
  try {
    return await openStateDb({ dataDir, databaseUrl });
  } catch (error) {
    const where = databaseUrl ? `at ${redactUrl(databaseUrl)} (DATABASE_URL)` : `at ${file} (DATA_DIR)`;
    throw new StateStoreError(`cannot open the state store ${where}: ${(error as Error).message}`);
  }
}
