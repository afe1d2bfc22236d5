// Jest runs the TypeScript sources as ESM (middy 6 and friends ship ESM only).
// ts-jest transpiles each file in isolation; `npm run typecheck` does the type-checking.
/** @type {import('ts-jest').TsJestTransformerOptions} */
const tsJest = { useESM: true, tsconfig: { isolatedModules: true, verbatimModuleSyntax: false } };

const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', tsJest] },
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...extra,
});

/** @type {import('jest').Config} */
export default {
  projects: [
    project('unit'),
    // A longer time limit per test, set there with the reason (the VM-context slowdown).
    project('integration', { setupFilesAfterEnv: ['<rootDir>/test/support/integration-timeout.ts'] }),
    project('infra'),
    project('e2e'),
  ],
};
