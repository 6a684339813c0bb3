// Topic attributes of UPDATE_AND_CREATE_TOPIC's `attributes` header (RocketMQ 5 AttributeParser and
// AttributeUtil#alterCurrentAttributes; TopicAttributes): "+key=value" adds or sets a key, "-key"
// removes one (not while creating), comma separated. `queue.type` (TopicAttributes
// QUEUE_TYPE_ATTRIBUTE, values of CQType) picks the consume queue: SimpleCQ (one unit per message,
// the default) or BatchCQ (one unit per inner batch). It cannot change once the topic exists:
// the queue files on disk are of one kind.

export const QUEUE_TYPE_ATTRIBUTE = 'queue.type';
export const CQType = { SimpleCQ: 'SimpleCQ', BatchCQ: 'BatchCQ' } as const;

/** Whether a topic's queues are batch consume queues (QueueTypeUtils#isBatchCq). */
export function isBatchCq(attributes: Readonly<Record<string, string>> | undefined): boolean {
  return attributes?.[QUEUE_TYPE_ATTRIBUTE] === CQType.BatchCQ;
}

/** The queue type a topic has, SimpleCQ when the attribute is absent (QueueTypeUtils#getCQType). */
function queueTypeOf(attributes: Readonly<Record<string, string>> | undefined): string {
  return attributes?.[QUEUE_TYPE_ATTRIBUTE] ?? CQType.SimpleCQ;
}

/** "+a=1,-b" → [["+a", "1"], ["-b", ""]]; throws RangeError with the offending part. */
function parseAlterations(s: string): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const part of s.split(',')) {
    if (part === '') continue;
    const sign = part[0];
    const eq = part.indexOf('=');
    const key = eq < 0 ? part.slice(1) : part.slice(1, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    const ok = (sign === '+' && eq > 1) || (sign === '-' && eq < 0 && key !== '');
    if (!ok || /[+\-=]/.test(key) || /[+\-=]/.test(value))
      throw new RangeError(`attribute '${part}' is not +key=value or -key`);
    if (seen.has(key)) throw new RangeError(`attribute key '${key}' is given twice`);
    seen.add(key);
    out.push([`${sign}${key}`, value]);
  }
  return out;
}

/**
 * The attribute set after applying `alter` to `current` (undefined current: the topic is being
 * created). Returns the new set, or a remark saying why it is refused.
 */
export function alterTopicAttributes(
  current: Readonly<Record<string, string>> | undefined,
  alter: string | undefined,
): Record<string, string> | string {
  const next: Record<string, string> = { ...current };
  if (alter === undefined || alter === '') return next;
  let parts: [string, string][];
  try {
    parts = parseAlterations(alter);
  } catch (err) {
    return (err as Error).message;
  }
  for (const [signed, value] of parts) {
    const key = signed.slice(1);
    if (signed[0] === '-') {
      if (current === undefined) return `attribute '${key}' cannot be removed while creating`;
      if (next[key] === undefined) return `attribute '${key}' is not set, so cannot be removed`;
      delete next[key];
    } else next[key] = value;
  }
  const type = next[QUEUE_TYPE_ATTRIBUTE];
  if (type !== undefined && type !== CQType.SimpleCQ && type !== CQType.BatchCQ)
    return `queue.type must be SimpleCQ or BatchCQ, not '${type}'`;
  if (current !== undefined && queueTypeOf(current) !== queueTypeOf(next)) {
    return (
      `queue.type of an existing topic cannot change (${queueTypeOf(current)} → ` +
      `${queueTypeOf(next)}); delete the topic and create it again with the new type`
    );
  }
  return next;
}
