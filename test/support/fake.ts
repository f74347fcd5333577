/** A FakeTwilio seeded the way most tests want it. */
import { FakeTwilio } from '../../sandbox/fake-twilio';
import * as f from './fixtures';

export interface Seeded {
  fake: FakeTwilio;
  baseUrl: string;
  interactionSid: string;
  /** Active chat channel the agent works on. */
  channelSid: string;
  /** A second channel of the same interaction, nobody on it. */
  otherChannelSid: string;
}

export async function startSeededFake(options: { apiKey?: boolean } = {}): Promise<Seeded> {
  const fake = new FakeTwilio({
    accountSid: f.ACCOUNT_SID,
    authToken: f.AUTH_TOKEN,
    ...(options.apiKey ? { apiKey: f.API_KEY, apiSecret: f.API_SECRET } : {}),
  });
  const { interactionSid, channelSids } = fake.addInteraction([{ type: 'chat', workers: [f.AGENT_WORKER] }, { type: 'sms' }]);
  fake.addToken(f.AGENT_TOKEN, { identity: 'alice', roles: ['agent'], workerSid: f.AGENT_WORKER });
  fake.addToken(f.SUPERVISOR_TOKEN, { identity: 'sam', roles: ['supervisor'], workerSid: f.SUPERVISOR_WORKER });
  fake.addToken(f.OUTSIDER_TOKEN, { identity: 'oscar', roles: ['agent'], workerSid: f.OUTSIDER_WORKER });
  fake.addToken(f.EXPIRED_TOKEN, {
    identity: 'eve',
    roles: ['agent'],
    workerSid: f.AGENT_WORKER,
    expiration: new Date(Date.now() - 60_000).toISOString(),
  });
  const baseUrl = await fake.start();
  return { fake, baseUrl, interactionSid, channelSid: channelSids[0]!, otherChannelSid: channelSids[1]! };
}
