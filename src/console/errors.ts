// The console's one error family: each carries the HTTP status and the API code it answers
// with ({error, code}), and a message a person can act on.
import { MQBrokerError, MQClientError } from '../client/errors.js';
import { ResponseCode } from '../protocol/response-code.js';

export const CONSOLE_ERROR_STATUS = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  UPSTREAM: 502,
  RATE_LIMITED: 429,
} as const;

export type ConsoleErrorCode = keyof typeof CONSOLE_ERROR_STATUS;

export class ConsoleError extends Error {
  override name = 'ConsoleError';
  readonly code: ConsoleErrorCode;
  readonly status: number;
  /** One line per refused input field (validate.ts), answered as `problems`. */
  readonly problems: readonly string[] | undefined;

  constructor(
    code: ConsoleErrorCode,
    message: string,
    options?: ErrorOptions & { problems?: readonly string[] },
  ) {
    super(message, options);
    this.code = code;
    this.status = CONSOLE_ERROR_STATUS[code];
    this.problems = options?.problems;
  }
}

const NOT_FOUND_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
  ResponseCode.CONSUMER_NOT_ONLINE,
]);

/** Broker and client errors: NOT_FOUND for a missing topic/group, else UPSTREAM (a 502). */
export function toConsoleError(err: unknown): ConsoleError {
  if (err instanceof ConsoleError) return err;
  if (err instanceof MQBrokerError && NOT_FOUND_CODES.has(err.responseCode)) {
    return new ConsoleError('NOT_FOUND', err.message, { cause: err });
  }
  if (err instanceof MQClientError && /no route|not exist/i.test(err.message)) {
    return new ConsoleError('NOT_FOUND', err.message, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ConsoleError('UPSTREAM', `the cluster did not answer as expected: ${message}`, {
    cause: err,
  });
}
