import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Kept in test/ so the top level holds only the project's fixed layout; the root is the repository.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'agents/**/*.test.ts', 'config/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
  },
});
