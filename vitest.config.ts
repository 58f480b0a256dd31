import { configDefaults, defineConfig } from 'vitest/config';

// Three projects, so that a developer can run the fast ones alone (`npm run test:unit`);
// `npm test` runs all three. The globs cover every workspace package's test/ folder.
const unit = ['packages/*/test/{domain,unit}/**/*.test.ts'];
const faults = ['packages/*/test/faults/**/*.test.ts'];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks',
} as const;

// Integration and fault tests load the build: the engine's SQL thread (a worker cannot load the
// .ts sources) and the `kairos serve` processes. It is brought up to date before they start.
const build = ['packages/server/test/support/buildOnce.ts'];

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'unit', include: unit } },
      { test: { ...shared, name: 'integration', include: ['packages/*/test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...unit, ...faults], globalSetup: build } },
      { test: { ...shared, name: 'faults', include: faults, globalSetup: build } },
    ],
  },
});
