/** scripts/bench/profile-functions: a profile's time by function, inclusive, per request. */
import { inclusiveByFunction, type CpuProfile } from '../../../scripts/bench/profile-functions';

const OURS = 'file:///x/functions/library.private.js';
const frame = (functionName: string, url: string) => ({ functionName, url });

// (root) → work (ours) → parse (ours) → JSON.parse (node); work → request (ours) → recursive request (ours); (root) → writev (node)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 6] },
    { id: 2, callFrame: frame('work', OURS), children: [3, 4] },
    { id: 3, callFrame: frame('', OURS), children: [7] },
    { id: 4, callFrame: frame('request', OURS), children: [5] },
    { id: 5, callFrame: frame('request', OURS) },
    { id: 6, callFrame: frame('writev', 'node:net') },
    { id: 7, callFrame: frame('parse', 'node:json') },
  ],
  samples: [2, 3, 7, 5, 5, 6],
  timeDeltas: [10, 20, 30, 40, 50, 60],
};

describe('inclusiveByFunction', () => {
  it('adds each sample to every function of the chosen files on its stack, once, per request', () => {
    const byName = inclusiveByFunction(profile, 2, (url) => url === OURS);
    expect(Object.fromEntries(byName)).toEqual({
      work: (10 + 20 + 30 + 40 + 50) / 2,
      '(anonymous)': (20 + 30) / 2,
      request: (40 + 50) / 2, // on the stack twice in two samples: counted once each
    });
  });

  it('leaves out functions of other files, and time with none of them on the stack', () => {
    const byName = inclusiveByFunction(profile, 1, (url) => url.startsWith('node:'));
    expect(Object.fromEntries(byName)).toEqual({ parse: 30, writev: 60 });
  });
});
