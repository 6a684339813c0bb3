// Unique topic and group names, so tests sharing a broker never see each other's data.
let counter = 0;
const runId = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** prefix + a per-run id + a counter; only [A-Za-z0-9_-], well under the 120-char group limit. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${runId}_${counter}`;
}
