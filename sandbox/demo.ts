/**
 * The offline sandbox's demo account: a few interactions and channels, a demo agent (on the
 * first chat channel, each of their participations with its task in TaskRouter, so it can be
 * transferred or parked), a second demo agent, a demo supervisor and the Sync service parks are
 * recorded in. Fixed SIDs and tokens, so the printed
 * curl commands work as printed.
 */
import { FakeTwilio } from './fake-twilio';
import { DEMO } from './demo-data';

export { DEMO } from './demo-data';

/** A FakeTwilio holding the demo account. */
export function demoTwilio(): FakeTwilio {
  const fake = new FakeTwilio({ accountSid: DEMO.accountSid, authToken: DEMO.authToken });
  for (const interaction of DEMO.interactions) {
    fake.addInteraction(
      interaction.channels.map((c) => ({ sid: c.sid, type: c.type, workers: c.agent ? [DEMO.agentWorkerSid] : [] })),
      interaction.interactionSid,
    );
    for (const channel of interaction.channels) {
      const agent = fake.participants.get(channel.sid)!.find((p) => p.workerSid === DEMO.agentWorkerSid);
      if (agent) fake.addAgentTask(channel.sid, agent, { customerName: 'Demo customer', channelType: channel.type });
    }
  }
  fake.sync.addService(DEMO.syncServiceSid);
  const expiration = new Date(Date.now() + 365 * 24 * 3600_000).toISOString();
  fake.addToken(DEMO.agentToken, { identity: 'demo.agent@example.com', roles: ['agent'], workerSid: DEMO.agentWorkerSid, expiration });
  fake.addToken(DEMO.secondAgentToken, {
    identity: 'demo.agent2@example.com',
    roles: ['agent'],
    workerSid: DEMO.secondAgentWorkerSid,
    expiration,
  });
  fake.addToken(DEMO.supervisorToken, {
    identity: 'demo.supervisor@example.com',
    roles: ['agent', 'supervisor'],
    workerSid: DEMO.supervisorWorkerSid,
    expiration,
  });
  return fake;
}
