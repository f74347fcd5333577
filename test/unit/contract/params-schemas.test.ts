/** The parameters of get-channel, list-channels and close-channel: what each schema accepts and refuses. */
import { CloseChannelParams, GetChannelParams, ListChannelsParams, parseParams } from '../../../src/contract/params';
import { InvalidRequestError } from '../../../src/edge/errors';
import * as z from 'zod/mini';

const KD = `KD${'a'.repeat(32)}`;
const UO = `UO${'b'.repeat(32)}`;

function problemFields(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    const e = err as InvalidRequestError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_request');
    return (e.details ?? []).map((d) => d.field);
  }
  throw new Error('expected an invalid_request error');
}

describe('get-channel parameters', () => {
  it('accepts camelCase names and PascalCase aliases', () => {
    expect(parseParams(GetChannelParams, { interactionSid: KD, channelSid: UO })).toEqual({ interactionSid: KD, channelSid: UO });
    expect(parseParams(GetChannelParams, { InteractionSid: KD, ChannelSid: UO })).toEqual({ interactionSid: KD, channelSid: UO });
  });

  it('accepts both spellings when they agree, refuses them when they differ', () => {
    expect(parseParams(GetChannelParams, { interactionSid: KD, InteractionSid: KD, channelSid: UO })).toEqual({
      interactionSid: KD,
      channelSid: UO,
    });
    expect(problemFields(() => parseParams(GetChannelParams, { interactionSid: KD, InteractionSid: `KD${'c'.repeat(32)}`, channelSid: UO }))).toEqual(
      ['interactionSid'],
    );
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['nothing at all', {}, ['interactionSid', 'channelSid']],
    ['a missing channelSid', { interactionSid: KD }, ['channelSid']],
    ['a channel SID in place of the interaction SID', { interactionSid: UO, channelSid: UO }, ['interactionSid']],
    ['a short SID', { interactionSid: 'KD123', channelSid: UO }, ['interactionSid']],
    ['a SID one digit short', { interactionSid: KD.slice(0, -1), channelSid: UO }, ['interactionSid']],
    ['a SID one digit long', { interactionSid: `${KD}a`, channelSid: UO }, ['interactionSid']],
    ['a channel SID one digit long', { interactionSid: KD, channelSid: `${UO}b` }, ['channelSid']],
    ['a lower-case prefix', { interactionSid: `kd${'a'.repeat(32)}`, channelSid: UO }, ['interactionSid']],
    ['a SID with non-hex digits', { interactionSid: `KD${'z'.repeat(32)}`, channelSid: UO }, ['interactionSid']],
    ['a SID with a trailing newline', { interactionSid: `${KD}\n`, channelSid: UO }, ['interactionSid']],
    ['a number', { interactionSid: 42, channelSid: UO }, ['interactionSid']],
    ['an array (a repeated parameter)', { interactionSid: [KD, KD], channelSid: UO }, ['interactionSid']],
    ['an object', { interactionSid: { $gt: '' }, channelSid: UO }, ['interactionSid']],
    ['null', { interactionSid: null, channelSid: UO }, ['interactionSid']],
    ['a boolean', { interactionSid: KD, channelSid: true }, ['channelSid']],
  ])('refuses %s, naming the field', (_name, params, fields_) => {
    expect(problemFields(() => parseParams(GetChannelParams, params))).toEqual(fields_);
  });

  it('names the field in the message', () => {
    try {
      parseParams(GetChannelParams, { interactionSid: KD, channelSid: 'nope' });
    } catch (err) {
      expect((err as Error).message).toBe('channelSid must look like UO followed by 32 hex digits');
      return;
    }
    throw new Error('expected an error');
  });
});

describe('list-channels parameters', () => {
  it('defaults limit to 50 and reads it from a string or a number', () => {
    expect(parseParams(ListChannelsParams, { interactionSid: KD })).toEqual({ interactionSid: KD, limit: 50 });
    expect(parseParams(ListChannelsParams, { interactionSid: KD, Limit: '7' })).toEqual({ interactionSid: KD, limit: 7 });
    expect(parseParams(ListChannelsParams, { interactionSid: KD, limit: 1000 })).toEqual({ interactionSid: KD, limit: 1000 });
  });

  it.each<[string, unknown]>([
    ['zero', 0],
    ['too many', 1001],
    ['negative', '-1'],
    ['a fraction', 2.5],
    ['a word', 'ten'],
    ['an array', ['1', '2']],
    ['an object', { n: 1 }],
    ['a huge number', '99999999999999999999'],
  ])('refuses a limit that is %s', (_name, limit) => {
    expect(problemFields(() => parseParams(ListChannelsParams, { interactionSid: KD, limit }))).toEqual(['limit']);
  });
});

describe('close-channel parameters', () => {
  it('defaults status to closed with no routing', () => {
    expect(parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO })).toEqual({
      interactionSid: KD,
      channelSid: UO,
      status: 'closed',
    });
  });

  it('takes routing as an object or as its JSON string', () => {
    const asObject = parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO, routing: { status: 'closed' } });
    const asString = parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO, Routing: '{"status":"closed"}' });
    expect(asObject.routing).toEqual({ status: 'closed' });
    expect(asString.routing).toEqual({ status: 'closed' });
  });

  it('accepts inactive with routing', () => {
    const p = parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO, Status: 'inactive', Routing: '{"status":"closed"}' });
    expect(p).toEqual({ interactionSid: KD, channelSid: UO, status: 'inactive', routing: { status: 'closed' } });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown status', { status: 'open' }, ['status']],
    ['a status in capitals', { status: 'CLOSED' }, ['status']],
    ['inactive without routing', { status: 'inactive' }, ['routing']],
    ['routing that is not JSON', { routing: '{status:closed' }, ['routing']],
    ['routing with another status', { routing: '{"status":"wrapping"}' }, ['routing']],
    ['routing with an extra key', { routing: { status: 'closed', reason: 'x' } }, ['routing']],
    ['routing as an array', { routing: [{ status: 'closed' }] }, ['routing']],
    ['routing as a JSON array string', { routing: '[]' }, ['routing']],
    ['routing as a number', { routing: 5 }, ['routing']],
    ['routing as JSON null', { routing: 'null' }, ['routing']],
    ['a status array', { status: ['closed', 'closed'] }, ['status']],
  ])('refuses %s, naming the field', (_name, extra, fields_) => {
    expect(problemFields(() => parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO, ...extra }))).toEqual(fields_);
  });

  it('reads limits of any number of digits', () => {
    expect(parseParams(ListChannelsParams, { interactionSid: KD, limit: '100' }).limit).toBe(100);
    expect(parseParams(ListChannelsParams, { interactionSid: KD, limit: '1000' }).limit).toBe(1000);
    expect(parseParams(ListChannelsParams, { interactionSid: KD, Limit: '25' }).limit).toBe(25);
  });

  it('a problem with the parameters as a whole (a schema extended with a check of its own) is named "request"', () => {
    const Both = z
      .object({ a: z.optional(z.string()), b: z.optional(z.string()) })
      .check(z.refine((p) => p.a === undefined || p.b === undefined, 'send a or b, not both'));
    expect(problemFields(() => parseParams(Both, { a: 'x', b: 'y' }))).toEqual(['request']);
  });

  it('a blank form field (Studio sends them) counts as not given: required ones are then missing', () => {
    expect(problemFields(() => parseParams(GetChannelParams, { interactionSid: '', channelSid: UO }))).toEqual(['interactionSid']);
    expect(parseParams(ListChannelsParams, { interactionSid: KD, limit: '' }).limit).toBe(50);
  });

  it('treats an empty form field as not given', () => {
    expect(parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO, status: '', routing: '' })).toEqual({
      interactionSid: KD,
      channelSid: UO,
      status: 'closed',
    });
  });

  it('ignores parameters it does not know (Studio and webhooks send their own)', () => {
    expect(parseParams(CloseChannelParams, { interactionSid: KD, channelSid: UO, FlowSid: 'FW1', Token: 'x' })).toEqual({
      interactionSid: KD,
      channelSid: UO,
      status: 'closed',
    });
  });

  it('is not fooled by inherited property names', () => {
    const params = Object.create({ interactionSid: KD, channelSid: UO }) as Record<string, unknown>;
    expect(problemFields(() => parseParams(CloseChannelParams, params))).toEqual(['interactionSid', 'channelSid']);
  });
});
