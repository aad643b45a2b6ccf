/** The admin HTTP API: status, the delivery log, dead letters — on its own port. */
export { adminOptionsFromEnv, isLoopback, type AdminOptions } from "./admin-env.js";
export { createAdminApp, type AdminAppDeps } from "./admin-app.js";
export { createDeadLetterService, type DeadLetterReport, type DeadLetterRequest, type DeadLetterService } from "../dead-letters/index.js";
export { openApiDocument } from "./openapi-document.js";
export { bindAdminServer, type AdminPort, type RunningAdmin } from "./start-admin-server.js";
