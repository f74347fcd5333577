/**
 * The offline sandbox's demo account as data: a few interactions and channels, a demo agent (on
 * the first chat channel), a second demo agent (on no channel: transfers go to them) and a demo
 * supervisor. Fixed SIDs and tokens, so the printed curl
 * commands work as printed. Kept apart from the fake of Twilio (sandbox/demo.ts) so that
 * `npm start`'s preflight, bundled and run before any build, loads no more than these values.
 */
import { flexTokenLike } from './fake-twilio/iam';

export const DEMO = {
  accountSid: `AC${'d'.repeat(32)}`,
  authToken: 'd'.repeat(32),
  agentToken: flexTokenLike('demo-agent'),
  supervisorToken: flexTokenLike('demo-supervisor'),
  secondAgentToken: flexTokenLike('demo-agent-2'),
  agentWorkerSid: `WK${'a'.repeat(32)}`,
  supervisorWorkerSid: `WK${'b'.repeat(32)}`,
  secondAgentWorkerSid: `WK${'c'.repeat(32)}`,
  /** The Sync service park keeps its records in (npm start's SYNC_SERVICE_SID). */
  syncServiceSid: `IS${'e'.repeat(32)}`,
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
