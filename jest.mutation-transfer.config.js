/**
 * The unit suites that exercise the transfer modules (src/workflows/{transfer,transfer-finish}.ts,
 * src/webhooks/taskrouter.ts, src/adapters/{tasks,workspace}.ts), for their own mutation run (stryker.transfer.config.json):
 * a mutant of these files is run against these suites only, so the run takes minutes instead of
 * hours on 2 cores. The score it gives is a lower bound of the full unit suite's.
 */
const base = require('./jest.mutation.config');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/unit/workflows/transfer/**/*.test.ts',
    '<rootDir>/test/unit/workflows/orphan-guard*.test.ts',
    '<rootDir>/test/unit/adapters/tasks-workspace.test.ts',
  ],
};
