// Types for test/global-setup.ts, which imports the plain-Node script.
export const DEFAULT_AMQP_URL: string;
export const DEFAULT_DATABASE_URL: string;
export function ensureTestServices(options?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): Promise<void>;
