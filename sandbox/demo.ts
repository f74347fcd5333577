/**
 * The offline sandbox's demo account: a few interactions and channels, a demo agent (on the
 * first chat channel) and a demo supervisor. Fixed SIDs and tokens, so the printed curl
 * commands work as printed.
 */
import { FakeTwilio, flexTokenLike } from './fake-twilio';

export const DEMO = {
  accountSid: `AC${'d'.repeat(32)}`,
  authToken: 'd'.repeat(32),
  agentToken: flexTokenLike('demo-agent'),
  supervisorToken: flexTokenLike('demo-supervisor'),
  agentWorkerSid: `WK${'a'.repeat(32)}`,
  supervisorWorkerSid: `WK${'b'.repeat(32)}`,
  interactions: [
    { interactionSid: `KD${'1'.repeat(32)}`, channels: [{ sid: `UO${'1'.repeat(32)}`, type: 'chat', agent: true }] },
    {
      interactionSid: `KD${'2'.repeat(32)}`,
      channels: [
        { sid: `UO${'2'.repeat(32)}`, type: 'sms', agent: true },
        { sid: `UO${'3'.repeat(32)}`, type: 'email', agent: false },
      ],
    },
    { interactionSid: `KD${'4'.repeat(32)}`, channels: [{ sid: `UO${'4'.repeat(32)}`, type: 'whatsapp', agent: false }] },
  ],
} as const;

/** A FakeTwilio holding the demo account. */
export function demoTwilio(): FakeTwilio {
  const fake = new FakeTwilio({ accountSid: DEMO.accountSid, authToken: DEMO.authToken });
  for (const interaction of DEMO.interactions) {
    fake.addInteraction(
      interaction.channels.map((c) => ({ sid: c.sid, type: c.type, workers: c.agent ? [DEMO.agentWorkerSid] : [] })),
      interaction.interactionSid,
    );
  }
  const expiration = new Date(Date.now() + 365 * 24 * 3600_000).toISOString();
  fake.addToken(DEMO.agentToken, { identity: 'demo.agent@example.com', roles: ['agent'], workerSid: DEMO.agentWorkerSid, expiration });
  fake.addToken(DEMO.supervisorToken, {
    identity: 'demo.supervisor@example.com',
    roles: ['agent', 'supervisor'],
    workerSid: DEMO.supervisorWorkerSid,
    expiration,
  });
  return fake;
}
