/**
 * The unit project alone, for mutation testing (npm run test:mutation). ts-jest skips type
 * checking here: a mutant that does not type-check must still be run, not counted as killed.
 */
const { projects } = require('./jest.config');

const unit = projects.find((p) => p.displayName === 'unit');

module.exports = {
  ...unit,
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Waits out a 4 s idle timeout to pin a number, which Stryker does not mutate.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/unit/twilio/transport-idle\\.test\\.ts$'],
};
