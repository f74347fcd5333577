/**
 * Our markers in task attributes (src/workflows/markers.ts): signed over their fields and their
 * channel, so a Flex worker who can rewrite a task's attributes cannot forge, edit or move one.
 */
import * as markers from '../../../src/workflows/markers';
import { MisconfiguredError } from '../../../src/edge/errors';
import { configOf } from '../../support/channel-state';

const KD = `KD${'a'.repeat(32)}`;
const UO = `UO${'b'.repeat(32)}`;
const OTHER = `UO${'c'.repeat(32)}`;
const ids = { interactionSid: KD, channelSid: UO };
const config = configOf();
const fields = {
  id: 't-1',
  state: 'pending' as const,
  mode: 'cold' as const,
  from: { participantSid: `UT${'1'.repeat(32)}`, workerSid: `WK${'2'.repeat(32)}`, taskSid: `WT${'3'.repeat(32)}` },
  to: { queueSid: `WQ${'4'.repeat(32)}`, workerSid: null },
  then: 'wrapup' as const,
};
const onTask = (transfer: unknown, channelSid = UO) => ({ flexInteractionSid: KD, flexInteractionChannelSid: channelSid, transfer });

describe('the transfer marker', () => {
  const marker = markers.signTransfer(config, ids, fields);

  it('verifies for its channel, and its state (claimed with If-Match) is outside the MAC', () => {
    expect(markers.verifiedTransfer(config, onTask(marker))).toEqual({ marker, ids });
    expect(markers.verifiedTransfer(config, onTask({ ...marker, state: 'completed' }))?.marker.state).toBe('completed');
  });

  it.each<[string, (m: typeof marker) => unknown]>([
    ['its id', (m) => ({ ...m, id: 't-2' })],
    ['its mode', (m) => ({ ...m, mode: 'warm' })],
    ['who transfers', (m) => ({ ...m, from: { ...m.from, participantSid: `UT${'9'.repeat(32)}` } })],
    ['the worker transferring', (m) => ({ ...m, from: { ...m.from, workerSid: null } })],
    ['the transferring task', (m) => ({ ...m, from: { ...m.from, taskSid: `WT${'9'.repeat(32)}` } })],
    ['the queue', (m) => ({ ...m, to: { ...m.to, queueSid: null } })],
    ['the worker it goes to', (m) => ({ ...m, to: { ...m.to, workerSid: `WK${'9'.repeat(32)}` } })],
    ['what the agent becomes', (m) => ({ ...m, then: 'closed' })],
    ['its MAC', (m) => ({ ...m, mac: 'A'.repeat(43) })],
    ['its MAC, shortened', (m) => ({ ...m, mac: m.mac.slice(1) })],
  ])('edited (%s): not ours', (_what, edit) => {
    expect(markers.verifiedTransfer(config, onTask(edit(marker)))).toBeUndefined();
  });

  it('copied to a task of another channel, or of another interaction: not ours', () => {
    expect(markers.verifiedTransfer(config, onTask(marker, OTHER))).toBeUndefined();
    expect(markers.verifiedTransfer(config, { ...onTask(marker), flexInteractionSid: `KD${'f'.repeat(32)}` })).toBeUndefined();
  });

  it('no channel named, not a marker, or signed under another secret: not ours', () => {
    expect(markers.verifiedTransfer(config, { transfer: marker })).toBeUndefined();
    expect(markers.verifiedTransfer(config, { flexInteractionSid: KD, flexInteractionChannelSid: 'UO1', transfer: marker })).toBeUndefined();
    expect(markers.verifiedTransfer(config, onTask({ ...fields }))).toBeUndefined();
    expect(markers.verifiedTransfer(configOf({ AUTH_TOKEN: 'e'.repeat(32) }), onTask(marker))).toBeUndefined();
  });

  it('the key comes from API_SECRET when there is no auth token, and without either signing is a 500 misconfigured', () => {
    const keyed = { ...config, authToken: undefined, apiKey: `SK${'5'.repeat(32)}`, apiSecret: 'secret-of-the-key' };
    const signed = markers.signTransfer(keyed, ids, fields);
    expect(markers.verifiedTransfer(keyed, onTask(signed))).toBeDefined();
    expect(markers.verifiedTransfer(config, onTask(signed))).toBeUndefined();
    const none = { ...config, authToken: undefined, apiSecret: undefined };
    expect(() => markers.signTransfer(none, ids, fields)).toThrow(MisconfiguredError);
  });
});

describe('what a new task carries over', () => {
  it('the attributes less every marker of ours', () => {
    const attributes = { customerName: 'Ada', transfer: 1, transferFailed: 2, resumedFrom: 3, resumeWorkerSid: 4, conversationSid: 'CH' };
    expect(markers.withoutMarkers(attributes)).toEqual({ customerName: 'Ada', conversationSid: 'CH' });
    expect(attributes).toHaveProperty('transfer');
  });

  it('the channel a task names, only when both SIDs have their shape', () => {
    expect(markers.channelOf({ flexInteractionSid: KD, flexInteractionChannelSid: UO })).toEqual(ids);
    expect(markers.channelOf({ flexInteractionSid: 'KD1', flexInteractionChannelSid: UO })).toBeUndefined();
    expect(markers.channelOf({ flexInteractionSid: KD, flexInteractionChannelSid: 5 })).toBeUndefined();
  });
});
