/**
 * The Flex plugin client: its types are the service's (checked by the compiler against the
 * zod schemas of lib/api), and its retry and error behaviour.
 */
import type { z } from 'zod';
import {
  FlexInteractionChannelsClient,
  FlexInteractionChannelsError,
  type CloseChannelResponse,
  type ErrorBody,
  type GetChannelResponse,
  type ListChannelsResponse,
} from '../../client/flex-interaction-channels';
import type * as api from '../../functions/lib/api.private';

// Compile-time: the client's types and the service's schemas are the same, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<GetChannelResponse, z.infer<typeof api.GetChannelResponse>>,
  Same<ListChannelsResponse, z.infer<typeof api.ListChannelsResponse>>,
  Same<CloseChannelResponse, z.infer<typeof api.CloseChannelResponse>>,
  Same<ErrorBody, z.infer<typeof api.ErrorResponse>['error']>,
] = [true, true, true, true];

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

const channel = {
  sid: `UO${'1'.repeat(32)}`,
  interactionSid: `KD${'1'.repeat(32)}`,
  type: 'chat',
  status: 'closed',
  errorCode: null,
  errorMessage: null,
  url: null,
  links: { participants: null, invites: null, transfers: null },
};

it('has types that agree with the service', () => {
  expect(typesAgree).toEqual([true, true, true, true]);
});

it('POSTs JSON with the current token as Bearer', async () => {
  const fetchMock = jest.fn(async (_url: string, _init?: RequestInit) => reply(200, { channel }));
  let token = 'first';
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example/', token: () => token, fetch: fetchMock as never });
  await client.getChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid });
  token = 'renewed';
  await client.getChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid });
  const [url, init] = fetchMock.mock.calls[1]!;
  expect(url).toBe('https://svc.example/get-channel');
  expect(init!.method).toBe('POST');
  expect((init!.headers as Record<string, string>).Authorization).toBe('Bearer renewed');
  expect(JSON.parse(String(init!.body))).toEqual({ interactionSid: channel.interactionSid, channelSid: channel.sid });
});

it('retries a 429 after Retry-After, then succeeds', async () => {
  const fetchMock = jest
    .fn()
    .mockResolvedValueOnce(reply(429, { error: { code: 'rate_limited', message: 'slow down', status: 429 } }, { 'Retry-After': '3' }))
    .mockResolvedValueOnce(reply(200, { channel, routing: null, taskStatus: 'wrapping' }));
  const sleep = jest.fn(async () => undefined);
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock, sleep });
  const r = await client.closeChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid });
  expect(r.taskStatus).toBe('wrapping');
  expect(sleep).toHaveBeenCalledWith(3000);
  expect(fetchMock).toHaveBeenCalledTimes(2);
});

it('waits 1 s when a 429 has no Retry-After, and gives up after maxRetries with a typed error', async () => {
  const fetchMock = jest.fn(async () => reply(429, { error: { code: 'rate_limited', message: 'slow down', status: 429 } }));
  const sleep = jest.fn(async () => undefined);
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock, sleep, maxRetries: 2 });
  const err = await client.listChannels({ interactionSid: channel.interactionSid }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FlexInteractionChannelsError);
  expect((err as FlexInteractionChannelsError).code).toBe('rate_limited');
  expect(fetchMock).toHaveBeenCalledTimes(3);
  expect(sleep.mock.calls).toEqual([[1000], [1000]]);
});

it('does not wait longer than maxRetryAfter', async () => {
  const fetchMock = jest.fn(async () => reply(429, { error: { code: 'rate_limited', message: 'x', status: 429 } }, { 'Retry-After': '60' }));
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock, sleep: async () => undefined });
  const err = (await client.getChannel({ interactionSid: 'a', channelSid: 'b' }).catch((e: unknown) => e)) as FlexInteractionChannelsError;
  expect(err.retryAfter).toBe(60);
  expect(fetchMock).toHaveBeenCalledTimes(1);
});

it('surfaces the contract error with details; never retries other errors', async () => {
  const body = { error: { code: 'invalid_request', message: 'channelSid is required', status: 400, details: [{ field: 'channelSid', message: 'channelSid is required' }] } };
  const fetchMock = jest.fn(async () => reply(400, body));
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock });
  const err = (await client.getChannel({ interactionSid: 'a', channelSid: '' }).catch((e: unknown) => e)) as FlexInteractionChannelsError;
  expect(err).toMatchObject({ code: 'invalid_request', status: 400, details: body.error.details, message: 'channelSid is required' });
  expect(fetchMock).toHaveBeenCalledTimes(1);
});

it('reports an unreachable service and a non-JSON answer distinctly', async () => {
  const down = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: async () => Promise.reject(new TypeError('fetch failed')) });
  await expect(down.getChannel({ interactionSid: 'a', channelSid: 'b' })).rejects.toMatchObject({ code: 'network_error', status: 0 });
  const html = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: async () => new Response('<html>', { status: 502 }) });
  await expect(html.getChannel({ interactionSid: 'a', channelSid: 'b' })).rejects.toMatchObject({ code: 'unreadable_response', status: 502 });
});
