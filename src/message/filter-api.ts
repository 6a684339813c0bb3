// Tag subscription expressions (FilterAPI#buildSubscriptionData): "*" or "" means everything;
// otherwise tags separated by "||", trimmed, with their Java hash codes for consume-queue matching.
import { javaStringHashCode } from './tag-hash.js';

export const SUB_ALL = '*';

export interface TagSubscription {
  subString: string;
  tagsSet: string[];
  codeSet: number[];
}

export function parseTagExpression(expression: string | undefined | null): TagSubscription {
  const e = expression?.trim() ?? '';
  if (e === '' || e === SUB_ALL) return { subString: SUB_ALL, tagsSet: [], codeSet: [] };
  const tagsSet: string[] = [];
  for (const part of e.split('||')) {
    const t = part.trim();
    if (t !== '' && !tagsSet.includes(t)) tagsSet.push(t);
  }
  if (tagsSet.length === 0) return { subString: SUB_ALL, tagsSet: [], codeSet: [] };
  return { subString: e, tagsSet, codeSet: tagsSet.map(javaStringHashCode) };
}

/** Broker-side consume-queue match: hash only, so collisions pass (clients re-check the tag). */
export function tagCodeMatches(
  sub: { subString: string; codeSet: readonly number[] },
  tagsCode: number | undefined,
): boolean {
  if (sub.subString === SUB_ALL || tagsCode === undefined) return true;
  return sub.codeSet.includes(tagsCode | 0);
}
