/**
 * A CPU profile's time by function, inclusive: each function's own samples and those of
 * everything it called synchronously (the helper's code, Node's), counted once per sample even
 * when the function is on the stack twice. Continuations after an `await` start a new stack, so
 * a function's inclusive time is its synchronous stretches only: what the profile part prints
 * is where our library's own steps spend the request, not how long the request took.
 */

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** µs per request spent in (and under) each function of the files `inFile` picks, by function name. */
export function inclusiveByFunction(profile: CpuProfile, requests: number, inFile: (url: string) => boolean): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const us = (profile.timeDeltas[i] ?? 0) / Math.max(1, requests);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || !inFile(frame.url)) continue;
      const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
      if (seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + us);
    }
  });
  return totals;
}
