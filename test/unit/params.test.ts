import {
  assertBounds,
  assertUnambiguouslySigned,
  checkBounds,
  CloseChannelParams,
  GetChannelParams,
  ListChannelsParams,
  MAX_PARAMS_BYTES,
  MAX_PARAMS_DEPTH,
  parseParams,
} from '../../src/contract/params';
import { InvalidRequestError, PayloadTooLargeError } from '../../src/edge/errors';
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

describe('bounds: size and depth, measured without recursion', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = [];
    for (let i = 1; i < depth; i++) value = [value];
    return value;
  };

  it('the limits are 16 KiB and 16 levels', () => {
    expect(MAX_PARAMS_BYTES).toBe(16 * 1024);
    expect(MAX_PARAMS_DEPTH).toBe(16);
  });

  it('a valid request is far inside them', () => {
    expect(checkBounds({ interactionSid: KD, channelSid: UO, routing: { status: 'closed' }, Token: 'x'.repeat(4000) })).toEqual({ ok: true });
  });

  it('strings count their length: 16 KiB passes, one more character does not', () => {
    expect(checkBounds({ a: 'x'.repeat(MAX_PARAMS_BYTES - 1) })).toEqual({ ok: true });
    expect(checkBounds({ a: 'x'.repeat(MAX_PARAMS_BYTES) })).toEqual({ ok: false, tooLarge: true });
  });

  it('arrays and objects count too: 20,000 empty arrays then a 4 MB string are too large', () => {
    expect(checkBounds({ x: [...Array<unknown[]>(20_000).fill([]), 'y'.repeat(4_000_000)] })).toEqual({ ok: false, tooLarge: true });
    expect(checkBounds({ x: Array<unknown[]>(20_000).fill([]) })).toEqual({ ok: false, tooLarge: true });
    const manyKeys = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [String(i), null]));
    expect(checkBounds({ x: manyKeys })).toEqual({ ok: false, tooLarge: true });
  });

  it('depth: 15 levels pass; 16 are refused, naming the top-level field; 5,000 cost no stack', () => {
    expect(checkBounds({ routing: nested(MAX_PARAMS_DEPTH - 1) })).toEqual({ ok: true });
    expect(checkBounds({ routing: nested(MAX_PARAMS_DEPTH) })).toEqual({ ok: false, tooLarge: false, field: 'routing' });
    expect(checkBounds({ a: 'b', deep: nested(5000) })).toEqual({ ok: false, tooLarge: false, field: 'deep' });
    let object: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) object = { o: object };
    expect(checkBounds({ obj: object })).toMatchObject({ ok: false, field: 'obj' });
  });

  it('keys count their length', () => {
    expect(checkBounds({ ['k'.repeat(MAX_PARAMS_BYTES + 1)]: '' })).toEqual({ ok: false, tooLarge: true });
  });
});

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

describe('how parameters are measured, to the byte', () => {
  it('strings by length, other values 8, keys by length + 1 (top-level names by length), arrays and objects 2 + 1 per element', () => {
    // 2 (ab) + 2 (list) + 3 (its elements) + 3 ('xyz') + 8 (5) + 2 (object) + 2 (k + 1) + 8 (null) = 30
    const params = { ab: ['xyz', 5, { k: null }] };
    expect(checkBounds(params, 30)).toEqual({ ok: true });
    expect(checkBounds(params, 29)).toEqual({ ok: false, tooLarge: true });
    // 1 (a) + 2 (list) + 2 (two elements) + 0 + 0 = 5: every element counts, even at the edge
    expect(checkBounds({ a: ['', ''] }, 5)).toEqual({ ok: true });
    expect(checkBounds({ a: ['', ''] }, 4)).toEqual({ ok: false, tooLarge: true });
    expect(checkBounds({ t: true, n: null }, 18)).toEqual({ ok: true });
    expect(checkBounds({ t: true, n: null }, 17)).toEqual({ ok: false, tooLarge: true });
  });

  it('only own keys count', () => {
    const inherited = Object.assign(Object.create({ inherited: 'x'.repeat(100) }) as object, { k: '' });
    expect(checkBounds({ o: inherited }, 5)).toEqual({ ok: true });
  });

  it('too deep is a 400 naming the field, too large a 413', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_PARAMS_DEPTH; i++) deep = [deep];
    expect(() => assertBounds({ routing: deep })).toThrow(InvalidRequestError);
    try {
      assertBounds({ routing: deep });
    } catch (err) {
      expect((err as InvalidRequestError).toJSON()).toMatchObject({
        status: 400,
        details: [{ field: 'routing', message: `nested more than ${MAX_PARAMS_DEPTH} levels deep` }],
      });
    }
    expect(() => assertBounds({ a: 'x'.repeat(20) }, 10)).toThrow(PayloadTooLargeError);
    expect(() => assertBounds({ a: 'x'.repeat(9) }, 10)).not.toThrow();
  });
});

describe('a request signed by Twilio', () => {
  it("may carry only the function's parameters, none empty, and says which", () => {
    const long = 'z'.repeat(150);
    let thrown: InvalidRequestError | undefined;
    try {
      assertUnambiguouslySigned(GetChannelParams, { interactionSid: 'x', ChannelSid: '', [long]: 'v' });
    } catch (err) {
      thrown = err as InvalidRequestError;
    }
    expect(thrown!.toJSON().details).toEqual([
      { field: 'ChannelSid', message: 'ChannelSid must not be empty in a request signed by Twilio' },
      {
        field: 'z'.repeat(100),
        message: "a request signed by Twilio may carry only this function's parameters (interactionSid, InteractionSid, channelSid, ChannelSid)",
      },
    ]);
    expect(() => assertUnambiguouslySigned(GetChannelParams, { InteractionSid: 'x', channelSid: 'y' })).not.toThrow();
  });
});
