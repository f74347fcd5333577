/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  // .ci/node22 holds a whole Node.js install for CI, examples/flex-plugin (once CI installed it)
  // Flex UI's 700 MB: nothing there is ours to crawl.
  modulePathIgnorePatterns: ['<rootDir>/.ci/', '<rootDir>/examples/'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      setupFiles: ['<rootDir>/test/support/runtime-globals.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/capture-logs.ts', '<rootDir>/test/support/documented-answers.ts'],
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/documented-answers.ts'],
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
    },
    {
      // Random sequences of the lifecycle against the fake, through the real server (test/model/).
      displayName: 'model',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/model/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
    },
  ],
};
