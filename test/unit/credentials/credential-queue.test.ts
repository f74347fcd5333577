/**
 * The wait for an IAM slot (src/credentials/credential-cache.ts): first come first served,
 * bounded by length and by time, with slots and the front of the queue for priority callers
 * (tokens that look like recently valid ones), so that junk cannot take the whole budget. Each
 * check's call to Twilio is a promise the test resolves by hand: no timing decides an outcome.
 */
import { CredentialCache, type Verdict } from '../../../src/credentials/credential-cache';
import { RateLimitedError } from '../../../src/edge/errors';

interface Call {
  credential: string;
  answer: (valid: boolean) => void;
}

function harness(options: { maxConcurrent: number; maxQueued: number; maxWaitMs?: number; reserving?: boolean }) {
  const calls: Call[] = [];
  const cache = new CredentialCache<string>({
    cacheSize: 100,
    maxConcurrent: options.maxConcurrent,
    maxQueued: options.maxQueued,
    maxWaitMs: options.maxWaitMs ?? 60_000,
    reserving: () => options.reserving ?? false,
    busyMessage: 'busy',
    now: () => 0,
  });
  const check = (credential: string, priority = false) =>
    cache.check(
      credential,
      () =>
        new Promise<Verdict<string>>((resolve) =>
          calls.push({ credential, answer: (valid) => resolve(valid ? { valid: true, who: credential, until: 1e9 } : { valid: false }) }),
        ),
      priority,
    );
  return { calls, check };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

it('waits for a slot, first come first served, and each waiting check is asked once', async () => {
  const h = harness({ maxConcurrent: 2, maxQueued: 10 });
  const results = ['a', 'b', 'c', 'd'].map((c) => h.check(c));
  await settle();
  expect(h.calls.map((c) => c.credential)).toEqual(['a', 'b']);
  h.calls[0]!.answer(false);
  await settle();
  expect(h.calls.map((c) => c.credential)).toEqual(['a', 'b', 'c']);
  h.calls[1]!.answer(false);
  h.calls[2]!.answer(true);
  await settle();
  h.calls[3]!.answer(false);
  expect(await Promise.all(results)).toEqual([undefined, undefined, 'c', undefined]);
  expect(h.calls).toHaveLength(4);
});

it('a full queue is a 429 at once; so is a wait that runs out', async () => {
  const h = harness({ maxConcurrent: 1, maxQueued: 1, maxWaitMs: 50 });
  void h.check('a');
  const waiting = h.check('b');
  await expect(h.check('c')).rejects.toBeInstanceOf(RateLimitedError);
  await expect(waiting).rejects.toBeInstanceOf(RateLimitedError); // 50 ms passed with no slot
  expect(h.calls.map((c) => c.credential)).toEqual(['a']);
});

it('no queue at all (maxQueued 0): beyond the slots, 429 at once', async () => {
  const h = harness({ maxConcurrent: 1, maxQueued: 0 });
  void h.check('a');
  await expect(h.check('b')).rejects.toBeInstanceOf(RateLimitedError);
});

it('junk cannot take the whole budget: a quarter of the slots stay free for priority callers', async () => {
  const h = harness({ maxConcurrent: 4, maxQueued: 10, reserving: true });
  for (const junk of ['j1', 'j2', 'j3', 'j4']) void h.check(junk).catch(() => undefined);
  await settle();
  expect(h.calls.map((c) => c.credential)).toEqual(['j1', 'j2', 'j3']);
  const agent = h.check('agent', true);
  await settle();
  expect(h.calls.map((c) => c.credential)).toEqual(['j1', 'j2', 'j3', 'agent']);
  h.calls[3]!.answer(true);
  expect(await agent).toBe('agent');
});

it('until the validator knows priority callers, every slot is for anyone', async () => {
  const h = harness({ maxConcurrent: 4, maxQueued: 10, reserving: false });
  for (const junk of ['j1', 'j2', 'j3', 'j4']) void h.check(junk);
  await settle();
  expect(h.calls).toHaveLength(4);
});

it('a priority caller is served before waiting junk, and takes the place of the newest junk in a full queue', async () => {
  const h = harness({ maxConcurrent: 1, maxQueued: 2 });
  void h.check('j1');
  const j2 = h.check('j2');
  const j3 = h.check('j3');
  const agent = h.check('agent', true);
  await expect(j3).rejects.toBeInstanceOf(RateLimitedError);
  h.calls[0]!.answer(false);
  await settle();
  expect(h.calls.map((c) => c.credential)).toEqual(['j1', 'agent']);
  h.calls[1]!.answer(true);
  expect(await agent).toBe('agent');
  await settle();
  h.calls[2]!.answer(false);
  expect(await j2).toBeUndefined();
});

it('a full queue of priority callers is still a 429 for the next one (priority orders, it never accepts)', async () => {
  const h = harness({ maxConcurrent: 1, maxQueued: 1 });
  void h.check('p1', true);
  void h.check('p2', true).catch(() => undefined);
  await expect(h.check('p3', true)).rejects.toBeInstanceOf(RateLimitedError);
});
