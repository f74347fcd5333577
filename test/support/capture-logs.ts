/**
 * Every log line written during a unit test is captured (and kept off the console), and after
 * each test checked: no secret of the fixtures may appear in any of them.
 */
import { SECRETS } from './fixtures';

export const captured: string[] = [];

beforeEach(() => {
  captured.length = 0;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    });
  }
});

afterEach(() => {
  const leaks = captured.filter((line) => SECRETS.some((secret) => line.includes(secret)));
  jest.restoreAllMocks();
  expect(leaks).toEqual([]);
});
