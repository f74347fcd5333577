/** Exactly what each parameter refusal says. */
import { CloseChannelParams, GetChannelParams, ListChannelsParams, parseParams } from '../../../src/contract/params';
import { InvalidRequestError } from '../../../src/edge/errors';

describe('exactly what each refusal says', () => {
  const details = (schema: Parameters<typeof parseParams>[0], params: Record<string, unknown>) => {
    try {
      parseParams(schema, params);
    } catch (err) {
      return (err as InvalidRequestError).toJSON().details;
    }
    throw new Error('expected a refusal');
  };
  const KD_ = `KD${'a'.repeat(32)}`;
  const UO_ = `UO${'b'.repeat(32)}`;

  it.each<[string, Parameters<typeof parseParams>[0], Record<string, unknown>, Array<{ field: string; message: string }>]>([
    [
      'nothing',
      GetChannelParams,
      {},
      [
        { field: 'interactionSid', message: 'interactionSid is required' },
        { field: 'channelSid', message: 'channelSid is required' },
      ],
    ],
    [
      'numbers for SIDs',
      GetChannelParams,
      { interactionSid: 5, channelSid: UO_ },
      [{ field: 'interactionSid', message: 'interactionSid must be a string' }],
    ],
    [
      'a SID of the wrong kind',
      GetChannelParams,
      { interactionSid: KD_, channelSid: KD_ },
      [{ field: 'channelSid', message: 'channelSid must look like UO followed by 32 hex digits' }],
    ],
    [
      'two spellings that disagree',
      GetChannelParams,
      { interactionSid: KD_, InteractionSid: `KD${'c'.repeat(32)}`, channelSid: UO_ },
      [{ field: 'interactionSid', message: 'interactionSid and InteractionSid disagree; send one of them' }],
    ],
    [
      'a limit with letters',
      ListChannelsParams,
      { interactionSid: KD_, limit: '12a' },
      [{ field: 'limit', message: 'limit must be a whole number from 1 to 1000' }],
    ],
    [
      'a limit with a sign',
      ListChannelsParams,
      { interactionSid: KD_, limit: '-5' },
      [{ field: 'limit', message: 'limit must be a whole number from 1 to 1000' }],
    ],
    [
      'a limit of eight digits',
      ListChannelsParams,
      { interactionSid: KD_, limit: '10000000' },
      [{ field: 'limit', message: 'limit must be a whole number from 1 to 1000' }],
    ],
    ['a fractional limit', ListChannelsParams, { interactionSid: KD_, limit: 2.5 }, [{ field: 'limit', message: 'limit must be a whole number' }]],
    ['a limit of 0', ListChannelsParams, { interactionSid: KD_, limit: 0 }, [{ field: 'limit', message: 'limit must be at least 1' }]],
    ['a limit of 1001', ListChannelsParams, { interactionSid: KD_, limit: '1001' }, [{ field: 'limit', message: 'limit must be at most 1000' }]],
    [
      'a limit that is a list',
      ListChannelsParams,
      { interactionSid: KD_, limit: ['5'] },
      [{ field: 'limit', message: 'limit must be a whole number from 1 to 1000' }],
    ],
    [
      'an unknown status',
      CloseChannelParams,
      { interactionSid: KD_, channelSid: UO_, status: 'open' },
      [{ field: 'status', message: 'status must be "closed" or "inactive"' }],
    ],
    [
      'routing that is not JSON',
      CloseChannelParams,
      { interactionSid: KD_, channelSid: UO_, routing: '{nope' },
      [{ field: 'routing', message: 'routing must be a JSON object such as {"status":"closed"}' }],
    ],
    [
      'routing with another status',
      CloseChannelParams,
      { interactionSid: KD_, channelSid: UO_, routing: { status: 'open' } },
      [{ field: 'routing', message: 'routing.status must be "closed"' }],
    ],
    [
      'routing with more keys',
      CloseChannelParams,
      { interactionSid: KD_, channelSid: UO_, routing: { status: 'closed', x: 1 } },
      [{ field: 'routing', message: 'routing must be {"status":"closed"}' }],
    ],
    [
      'routing that is a list',
      CloseChannelParams,
      { interactionSid: KD_, channelSid: UO_, routing: '[1]' },
      [{ field: 'routing', message: 'routing must be {"status":"closed"}' }],
    ],
    [
      'inactive without routing',
      CloseChannelParams,
      { interactionSid: KD_, channelSid: UO_, status: 'inactive' },
      [{ field: 'routing', message: 'routing {"status":"closed"} is required when status is "inactive"' }],
    ],
  ])('%s', (_label, schema, params, expected) => {
    expect(details(schema, params)).toEqual(expected);
  });

  it('a limit may have spaces around its digits, and blank fields are absent', () => {
    expect(parseParams(ListChannelsParams, { interactionSid: KD_, limit: ' 7 ' }).limit).toBe(7);
    expect(parseParams(ListChannelsParams, { interactionSid: KD_, limit: '' }).limit).toBe(50);
    expect(parseParams(CloseChannelParams, { interactionSid: KD_, channelSid: UO_, status: '', routing: '' })).toEqual({
      interactionSid: KD_,
      channelSid: UO_,
      status: 'closed',
    });
  });
});
