// Two api/dashboard/series answers (in and out) as one row per timestamp, which is how the
// chart takes them. Samples are taken together, so their timestamps normally match; one that
// has no partner keeps its own row with the other side missing rather than a made-up 0.

export const SERIES_WINDOW_MS = 3600_000;
export const SERIES_MAX_POINTS = 300;

export interface TpsRow {
  t: number;
  in?: number;
  out?: number;
}

export function mergeSeries(inPoints: [number, number][], outPoints: [number, number][]): TpsRow[] {
  const rows = new Map<number, TpsRow>();
  const row = (t: number): TpsRow => {
    let r = rows.get(t);
    if (r === undefined) {
      r = { t };
      rows.set(t, r);
    }
    return r;
  };
  for (const [t, v] of inPoints) row(t).in = v;
  for (const [t, v] of outPoints) row(t).out = v;
  return [...rows.values()].sort((a, b) => a.t - b.t);
}
