/** Dead letters: walking a route's dead-letter queue, and the one service the CLI and admin API share. */
export {
  createDeadLetterService,
  type DeadLetterObserver,
  type DeadLetterReport,
  type DeadLetterRequest,
  type DeadLetterService,
  type DeadLetterServiceOptions,
} from "./dead-letter-service.js";
export { DeadLetterRequestError } from "./dead-letter-errors.js";
export { matches, walkDeadLetters, type DeadLetter, type DeadLetterFilter } from "./walk-dead-letters.js";
