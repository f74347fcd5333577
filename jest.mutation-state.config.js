/**
 * The unit suites that exercise the channel-state modules (src/workflows/{channel-state,markers,
 * acting-agent}.ts, src/adapters/invites.ts, src/webhooks/conversations.ts), for their own
 * mutation run (stryker.state.config.json). The score it gives is a lower bound of the full
 * unit suite's.
 */
const base = require('./jest.mutation.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/unit/workflows/**/*.test.ts',
    '<rootDir>/test/unit/webhooks/**/*.test.ts',
    '<rootDir>/test/unit/handlers/callers.test.ts',
  ],
};
