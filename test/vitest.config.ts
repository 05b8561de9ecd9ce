import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

// Kept in test/ so the top level holds only the project's fixed layout; the root is the repository.
// Two projects: `npm test` runs "frontdesk", everything that proves the repository on its own;
// `npm run quality` runs "public-data", the accuracy floors on the public data sets beside the
// checkout (../shared/data): files outside the repository, and minutes of training full-size models.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    // Hang guards, not speed limits: model training on a loaded 2-core machine can take minutes.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'frontdesk',
          include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'agents/**/*.test.ts', 'config/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/public-data/**'],
        },
      },
      { extends: true, test: { name: 'public-data', include: ['test/public-data/**/*.test.ts'] } },
    ],
  },
});
