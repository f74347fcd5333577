/** Requests as the tests compare them. */

/**
 * `METHOD path` lines with each run of GETs sorted: reads made at the same time (the channel's
 * state reads the channel, its participants, the tasks naming it and the park record at once)
 * arrive in any order; a write ends a run, so the order of writes, and of reads around them, stays.
 */
export function sortReads(requests: string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  for (const q of requests) {
    if (q.startsWith('GET ')) run.push(q);
    else {
      out.push(...run.sort(), q);
      run = [];
    }
  }
  return [...out, ...run.sort()];
}
