// Java String#hashCode over UTF-16 code units, as the broker stores it in the consume queue
// (tagsCode) and as clients compute codeSet (FilterAPI). Golden values are in the spec §2.8.
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** tagsCode for a TAGS property value: 0 when there is no tag. */
export function tagsCode(tags: string | undefined): number {
  if (!tags) return 0;
  return javaStringHashCode(tags);
}
