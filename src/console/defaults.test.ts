import { describe, expect, it } from 'vitest';
import { CONSOLE_DEFAULTS as D } from './defaults.js';

describe('console defaults', () => {
  it('hold their relations', () => {
    // A refresh's calls must answer (or time out) well within one interval.
    expect(D.snapshotCallTimeoutMs).toBeLessThan(D.refreshIntervalMs);
    // The disk line averages several snapshots, and memory spans more than one disk line.
    expect(D.historyDiskIntervalMs).toBeGreaterThanOrEqual(D.refreshIntervalMs);
    expect(D.historyMaxPoints * D.refreshIntervalMs).toBeGreaterThan(D.historyDiskIntervalMs);
    // Brokers and cluster totals come first; the top-N topics and groups must still fit.
    expect(D.historyMaxSeries).toBeGreaterThan(4 * D.historyTopN);
    // A webhook attempt's timeout stays under the interval so retries do not pile up.
    expect(D.webhookTimeoutMs).toBeLessThan(D.refreshIntervalMs);
    expect(D.brokerForgetMs).toBeGreaterThan(D.refreshIntervalMs * 10);
  });
});
