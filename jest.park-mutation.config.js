/**
 * The park modules' own tests (test/unit/workflows/park, and the adapters' park-records and conversation-webhooks suites), for their mutation run:
 * `npx stryker run stryker.park.config.json` (the park modules only). ts-jest skips type checking,
 * as in jest.mutation.config.js: a mutant that does not type-check must still be run.
 */
const mutation = require('./jest.mutation.config');

module.exports = {
  ...mutation,
  testMatch: [
    '<rootDir>/test/unit/workflows/park/**/*.test.ts',
    '<rootDir>/test/unit/adapters/park-records*.test.ts',
    '<rootDir>/test/unit/adapters/conversation-webhooks.test.ts',
  ],
};
