import { describe, expect, it } from 'vitest';
import { REDACTED, redactConfig } from './cluster.js';

describe('broker config shown in the console', () => {
  it('hides secrets that are set and leaves everything else as the broker said', () => {
    expect(
      redactConfig({
        haAuthToken: 's3cret',
        brokerName: 'broker-a',
        accessKey: '',
        listenPort: '1',
      }),
    ).toEqual({ haAuthToken: REDACTED, brokerName: 'broker-a', accessKey: '', listenPort: '1' });
  });
});
