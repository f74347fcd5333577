/** Size and depth of parameters, measured without recursion and to the byte, before anything else reads them. */
import { assertBounds, checkBounds, MAX_PARAMS_BYTES, MAX_PARAMS_DEPTH } from '../../../src/contract/params';
import { InvalidRequestError, PayloadTooLargeError } from '../../../src/edge/errors';

const KD = `KD${'a'.repeat(32)}`;
const UO = `UO${'b'.repeat(32)}`;

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
