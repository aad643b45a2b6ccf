export type { Alert, AlertKind, CredentialsAlert, DeadLetteredAlert, SpoolingAlert, TokenExpiringAlert, VerificationFailuresAlert } from "./alert.js";
export { alertKey, UNKNOWN_EVENT_ID } from "./alert.js";
export { type Alerter, type AlerterOptions, createAlerter, DEFAULT_DIGEST_WINDOW_MS } from "./create-alerter.js";
export { type AlertEnv, alertEnvSchema, alerterOptionsFromEnv } from "./alert-env.js";
export { type AlertCommands, type CommandOptions, createCommands } from "./commands.js";
export { type BurstDetector, type BurstDetectorOptions, createBurstDetector } from "./burst-detector.js";
export { alertFromOutcome, type OutcomeContext } from "./alert-from-outcome.js";
export type { MailTransport, OutgoingEmail } from "./mail-transport.js";
