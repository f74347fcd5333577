/** The park parameters' refusals, each naming its field, and what they accept. */
import { ConversationEvent, ListParkedParams, ParkChannelParams } from '../../../src/contract/park-params';
import { parseParams } from '../../../src/contract/params';
import type { InvalidRequestError } from '../../../src/edge/errors';

const KD = `KD${'a'.repeat(32)}`;
const UO = `UO${'b'.repeat(32)}`;
const CH = `CH${'c'.repeat(32)}`;
const WK = `WK${'d'.repeat(32)}`;

describe('parameters', () => {
  const fieldOf = (schema: Parameters<typeof parseParams>[0], params: Record<string, unknown>) => {
    try {
      parseParams(schema, params);
    } catch (err) {
      return (err as InvalidRequestError).details?.[0]?.field;
    }
    return undefined;
  };
  it.each<[string, Parameters<typeof parseParams>[0], Record<string, unknown>, string]>([
    ['park without interactionSid', ParkChannelParams, { channelSid: UO }, 'interactionSid'],
    ['park with a KD where the UO goes', ParkChannelParams, { interactionSid: KD, channelSid: KD }, 'channelSid'],
    ['park with a worker as participantSid', ParkChannelParams, { interactionSid: KD, channelSid: UO, participantSid: WK }, 'participantSid'],
    ['list with pageSize 0', ListParkedParams, { pageSize: '0' }, 'pageSize'],
    ['list with pageSize 101', ListParkedParams, { pageSize: 101 }, 'pageSize'],
    ['list with pageSize x', ListParkedParams, { pageSize: 'x' }, 'pageSize'],
    ['list with a pageToken carrying a URL', ListParkedParams, { pageToken: 'https://evil/?a=b' }, 'pageToken'],
    ['a message event without its channel', ConversationEvent, { interactionSid: KD, EventType: 'onMessageAdded' }, 'channelSid'],
    [
      'a message event with a bad Index',
      ConversationEvent,
      { interactionSid: KD, channelSid: UO, EventType: 'onMessageAdded', Index: '-1' },
      'index',
    ],
  ])('%s: 400 naming the field', (_, schema, params, field) => {
    expect(fieldOf(schema, params)).toBe(field);
  });
  it('defaults and accepted forms', () => {
    expect(parseParams(ListParkedParams, {})).toEqual({ pageSize: 50 });
    expect(parseParams(ListParkedParams, { PageSize: '7', PageToken: 'PT_a-1=' })).toEqual({ pageSize: 7, pageToken: 'PT_a-1=' });
    expect(
      parseParams(ConversationEvent, {
        interactionSid: KD,
        channelSid: UO,
        EventType: 'onMessageAdded',
        ConversationSid: CH,
        Author: 'c',
        Index: '3',
      }),
    ).toEqual({ interactionSid: KD, channelSid: UO, eventType: 'onMessageAdded', conversationSid: CH, author: 'c', index: '3' });
  });
});
