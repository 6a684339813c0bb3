import { describe, expect, it } from 'vitest';
import { mergeSeries } from './series.js';

describe('dashboard TPS series', () => {
  it('joins in and out by timestamp, in time order, without inventing zeros', () => {
    expect(
      mergeSeries(
        [
          [2000, 5],
          [1000, 3],
        ],
        [
          [1000, 1],
          [3000, 0],
        ],
      ),
    ).toEqual([
      { t: 1000, in: 3, out: 1 },
      { t: 2000, in: 5 },
      { t: 3000, out: 0 },
    ]);
    expect(mergeSeries([], [])).toEqual([]);
  });
});
