// Header fields that are a Java int (Integer) in RocketMQ's request headers. The field readers
// take any safe integer, since longs go through them too; an int field beyond 32 bits fails
// Java's header decoding before the request does anything, so it is refused here at parse time
// too, before a send auto-creates its topic or a send-back its retry topic.
import { RequestValidationError } from '../../common/errors.js';
import { ResponseCode } from '../response-code.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

export function int32(key: string, n: number): number;
export function int32(key: string, n: number | undefined): number | undefined;
export function int32(key: string, n: number | undefined): number | undefined {
  if (n !== undefined && (n < INT32_MIN || n > INT32_MAX)) {
    throw new RequestValidationError(
      ResponseCode.SYSTEM_ERROR,
      `the request header field '${key}' must be a 32-bit integer (a Java int), got '${n}'`,
    );
  }
  return n;
}
