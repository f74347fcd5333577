/**
 * lib/api, the contract as data: every answer the functions give is exactly what its schema
 * describes (parsing it changes nothing), and every error the library raises is a code the
 * contract lists.
 */
import * as api from '../../../src/contract/api';
import * as answers from '../../../src/contract/answers';
import * as errors from '../../../src/edge/errors';
import { handler as getChannel } from '../../../functions/get-channel';
import { handler as listChannels } from '../../../functions/list-channels';
import { handler as closeChannel } from '../../../functions/close-channel';
import { startSeededFake, type Seeded } from '../../support/fake';
import { invoke, settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const asAgent = { Authorization: `Bearer ${f.AGENT_TOKEN}` };
/** The answer parsed by its schema, unchanged: nothing missing, nothing extra, nothing of another type. */
const exactly = (schema: { parse: (v: unknown) => unknown }, body: unknown) => expect(schema.parse(body)).toEqual(body);

it('get-channel, list-channels and close-channel answer exactly their response schemas', async () => {
  const env = settings(s.baseUrl);
  const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
  const got = await invoke(getChannel, env, { path: '/get-channel', method: 'GET', params, headers: asAgent });
  exactly(answers.GetChannelResponse, got.json);
  expect(Object.keys(got.json.channel).sort()).toEqual(['errorCode', 'errorMessage', 'interactionSid', 'links', 'sid', 'status', 'type', 'url']);
  expect(Object.keys(got.json.channel.links).sort()).toEqual(['invites', 'participants', 'transfers']);
  const listed = await invoke(listChannels, env, {
    path: '/list-channels',
    method: 'GET',
    params: { interactionSid: s.interactionSid },
    headers: asAgent,
  });
  exactly(answers.ListChannelsResponse, listed.json);
  const closed = await invoke(closeChannel, env, { path: '/close-channel', params: { ...params, routing: '{"status":"closed"}' }, headers: asAgent });
  exactly(answers.CloseChannelResponse, closed.json);
  expect(closed.json.taskStatus).toBe('completed');
  const wrapping = await invoke(closeChannel, env, {
    path: '/close-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.otherChannelSid },
    headers: { Authorization: `Bearer ${f.SUPERVISOR_TOKEN}` },
  });
  exactly(answers.CloseChannelResponse, wrapping.json);
  expect(wrapping.json).toMatchObject({ routing: null, taskStatus: 'wrapping' });
});

it('every error the library raises has a code the contract lists', () => {
  const raised: errors.HttpError[] = [
    errors.InvalidRequestError.field('interactionSid', 'is required'),
    new errors.UnauthorizedError(),
    new errors.ForbiddenError('no'),
    new errors.NotFoundError('gone', { twilioCode: 20404, moreInfo: 'https://www.twilio.com/docs/errors/20404' }),
    new errors.MethodNotAllowedError(['POST']),
    new errors.ConflictError('state', { twilioCode: 45000 }),
    new errors.PayloadTooLargeError(16384),
    new errors.RateLimitedError(2),
    new errors.MisconfiguredError('settings'),
    new errors.UpstreamError('down'),
    new errors.UpstreamTimeoutError('slow'),
    new errors.HttpError(500, 'internal_error', 'the function failed unexpectedly'),
  ];
  for (const err of raised) exactly(answers.ErrorResponse, { error: err.toJSON() });
  expect(new Set(raised.map((e) => e.code)).size).toBe(raised.length);
});

it('the OpenAPI descriptions come from the same registry the schemas wrote to, word for word', () => {
  const described = (schema: unknown) => (api.descriptions.get(schema as never) as { description?: string } | undefined)?.description;
  expect(described(api.GET_CHANNEL.params.shape.interactionSid)).toBe('The interaction (KD followed by 32 hex digits).');
  expect(described(api.GET_CHANNEL.params.shape.channelSid)).toBe('The channel (UO followed by 32 hex digits).');
  expect(described(api.LIST_CHANNELS.params.shape.limit)).toBe('At most this many channels, 1 to 1000.');
  expect(described(api.CLOSE_CHANNEL.params.shape.status)).toBe('closed (default) or inactive.');
  expect(described(api.CLOSE_CHANNEL.params.shape.routing)).toBe(
    '{"status":"closed"} (as an object or its JSON string) completes the tasks; without it they go to wrapping. Required with inactive.',
  );
});
