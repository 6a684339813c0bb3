// The time ranges a message query can ask for. The server refuses a range over seven days
// (api/messages), so the UI never offers one: presets stay inside it and a custom range is
// checked before it is sent.

export const MAX_QUERY_RANGE_MS = 7 * 24 * 3600_000;

export const RANGE_PRESETS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const PRESET_MS: Record<RangePreset, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 24 * 3600_000,
  '7d': MAX_QUERY_RANGE_MS,
};

export interface TimeRange {
  begin: number;
  end: number;
}

export function presetRange(preset: RangePreset, nowMs: number): TimeRange {
  return { begin: nowMs - PRESET_MS[preset], end: nowMs };
}

export type RangeProblem = 'empty' | 'tooLong' | 'invalid';

export function checkRange(r: TimeRange): RangeProblem | null {
  if (!Number.isFinite(r.begin) || !Number.isFinite(r.end)) return 'invalid';
  if (r.end <= r.begin) return 'empty';
  return r.end - r.begin > MAX_QUERY_RANGE_MS ? 'tooLong' : null;
}

/** The value of an <input type="datetime-local"> for ms, in the browser's time zone. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  return `${day}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number {
  return value === '' ? Number.NaN : new Date(value).getTime();
}

/** A duration in whole seconds, minutes or hours, as alert rules state their for-duration. */
export function durationParts(ms: number): { n: number; unit: 's' | 'min' | 'h' } {
  if (ms % 3600_000 === 0 && ms > 0) return { n: ms / 3600_000, unit: 'h' };
  if (ms % 60_000 === 0 && ms > 0) return { n: ms / 60_000, unit: 'min' };
  return { n: Math.round(ms / 1000), unit: 's' };
}
