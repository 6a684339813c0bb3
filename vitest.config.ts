import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            ...['src/**/*.test.ts', 'tools/**/*.test.ts', 'bench/**/*.test.ts'],
            'console/web/src/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Each file spawns its own name server and broker processes; two cores limit parallelism.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
    ],
  },
});
