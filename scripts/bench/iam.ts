/**
 * What callers cost the account at IAM: validations per token per cache lifetime, and what a
 * flood of unknown tokens costs (junk strings, junk shaped like Flex tokens) and whether a valid
 * agent's cached validation survives it.
 */
import { DEMO } from '../../sandbox/demo';
import { flexTokenLike } from '../../sandbox/fake-twilio';
import { bearer, type Bench } from './context';
import { flood, load } from './load';
import { describeStatuses, fmt, say, verdict } from './report';

/** IAM calls per 1,000 requests with one token. */
async function oneToken(b: Bench, url: string): Promise<void> {
  const fresh = flexTokenLike('bench-fresh');
  b.fake.addToken(fresh, { identity: 'bench', roles: ['agent'], workerSid: DEMO.agentWorkerSid });
  b.fake.clearRequests();
  const figures = await load(`${url}/get-channel?interactionSid=${b.kd}&channelSid=${b.uo}`, 10, 5, { headers: bearer(fresh) });
  const iamCalls = b.fake.iamRequests().length;
  say();
  say(
    `IAM validations with one token: ${iamCalls} for ${figures.requests} requests = ${fmt((iamCalls * 1000) / Math.max(1, figures.requests), 3)} per 1,000 requests.`,
  );
  verdict('≤ 1 IAM validation per token per cache lifetime', `${iamCalls} in ${figures.requests} requests`, iamCalls <= 1);
}

async function underFlood(b: Bench, url: string): Promise<void> {
  const target = `${url}/get-channel?interactionSid=${b.kd}&channelSid=${b.uo}`;
  const agent = flexTokenLike('bench-flood-agent');
  b.fake.addToken(agent, { identity: 'flood-agent', roles: ['agent'], workerSid: DEMO.agentWorkerSid });
  const first = await fetch(target, { headers: bearer(agent) });
  if (first.status !== 200) throw new Error(`the flood's agent answered ${first.status}`);
  say();
  say('IAM under a flood of unknown tokens (concurrency 50, distinct tokens, none valid):');

  b.fake.clearRequests();
  const junk = await flood(
    target,
    Array.from({ length: 1000 }, (_, i) => `junk-token-${i}-${'x'.repeat(40)}`),
    50,
  );
  const junkCalls = b.fake.iamRequests().length;
  say(`- 1,000 strings that cannot be Flex tokens: ${junkCalls} IAM calls per 1,000 (answers: ${describeStatuses(junk)}).`);
  verdict('junk that is not a Flex token: 0 IAM calls', `${junkCalls} per 1,000`, junkCalls === 0);

  b.fake.clearRequests();
  const shaped = await flood(
    target,
    Array.from({ length: 1000 }, (_, i) => flexTokenLike(`flood-${i}`)),
    50,
  );
  const shapedCalls = b.fake.iamRequests().length;
  say(
    `- 1,000 unknown tokens shaped like Flex tokens (JWE): ${shapedCalls} IAM calls per 1,000 (answers: ${describeStatuses(shaped)}; 429s are the IAM_MAX_CONCURRENT cap at work).`,
  );

  b.fake.clearRequests();
  const big = await flood(
    target,
    Array.from({ length: 5000 }, (_, i) => flexTokenLike(`flood-big-${i}`)),
    50,
  );
  const before = b.fake.iamRequests().length;
  const after = await fetch(target, { headers: bearer(agent) });
  await after.arrayBuffer();
  const agentCalls = b.fake.iamRequests().length - before;
  say(
    `- then 5,000 more (answers: ${describeStatuses(big)}; ${before} IAM calls), and the valid agent again: ${after.status}, with ${agentCalls} IAM call${agentCalls === 1 ? '' : 's'} (its validation stayed cached).`,
  );
  verdict(
    "a valid agent's cached validation survives 5,000 unknown tokens",
    `${after.status}, ${agentCalls} IAM calls`,
    after.status === 200 && agentCalls === 0,
  );
}

export async function iamCosts(b: Bench, url: string): Promise<void> {
  await oneToken(b, url);
  await underFlood(b, url);
}
