export { type CompiledPoll, compilePoll } from "./compile-poll.js";
export { pollOwner } from "./poll-owner.js";
export { pollStatuses } from "./poll-status.js";
export { type RunProgress, type RunSummary, runPoll } from "./run-poll.js";
export { type RunningScheduler, startScheduler } from "./scheduler.js";
