/**
 * The Flex plugin client: its types are the service's (checked by the compiler against the
 * zod schemas of lib/api), and its retry and error behaviour.
 */
import type { z } from 'zod';
import {
  channelOfTask,
  FlexInteractionChannelsClient,
  FlexInteractionChannelsError,
  type CloseChannelResponse,
  type ErrorBody,
  type GetChannelResponse,
  type ListChannelsResponse,
  type ListParticipantsResponse,
  type UpdateParticipantResponse,
  type TransferChannelResponse,
  type ParkChannelResponse,
  type ResumeChannelResponse,
  type ListParkedResponse,
} from '../../client/flex-interaction-channels';
import type * as parkAnswers from '../../src/contract/park-answers';
import type * as answers from '../../src/contract/answers';
import type * as transferAnswers from '../../src/contract/transfer-answers';

// Compile-time: the client's types and the service's schemas are the same, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const typesAgree: [
  Same<GetChannelResponse, z.infer<typeof answers.GetChannelResponse>>,
  Same<ListChannelsResponse, z.infer<typeof answers.ListChannelsResponse>>,
  Same<CloseChannelResponse, z.infer<typeof answers.CloseChannelResponse>>,
  Same<ErrorBody, z.infer<typeof answers.ErrorResponse>['error']>,
  Same<ListParticipantsResponse, z.infer<typeof answers.ListParticipantsResponse>>,
  Same<UpdateParticipantResponse, z.infer<typeof answers.UpdateParticipantResponse>>,
  Same<TransferChannelResponse, z.infer<typeof transferAnswers.TransferChannelResponse>>,
  Same<ParkChannelResponse, z.infer<typeof parkAnswers.ParkChannelResponse>>,
  Same<ResumeChannelResponse, z.infer<typeof parkAnswers.ResumeChannelResponse>>,
  Same<ListParkedResponse, z.infer<typeof parkAnswers.ListParkedResponse>>,
] = [true, true, true, true, true, true, true, true, true, true];

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
  expect(typesAgree).toEqual([true, true, true, true, true, true, true, true, true, true]);
});

it('POSTs a form (a CORS simple request: no header of its own) with the current token as Token', async () => {
  const fetchMock = jest.fn(async (_url: string, _init?: RequestInit) => reply(200, { channel }));
  let token = 'first';
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example/', token: () => token, fetch: fetchMock as never });
  await client.getChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid });
  token = 'renewed';
  await client.getChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid });
  const [url, init] = fetchMock.mock.calls[1]!;
  expect(url).toBe('https://svc.example/get-channel');
  expect(init!.method).toBe('POST');
  expect(init!.headers).toBeUndefined();
  expect(init!.body).toBeInstanceOf(URLSearchParams);
  expect(Object.fromEntries(init!.body as URLSearchParams)).toEqual({
    interactionSid: channel.interactionSid,
    channelSid: channel.sid,
    Token: 'renewed',
  });
  // What fetch then sends: a safelisted Content-Type.
  expect(new Request('https://x/', { method: 'POST', body: init!.body }).headers.get('content-type')).toBe(
    'application/x-www-form-urlencoded;charset=UTF-8',
  );
});

it('sends routing as its JSON string, and an async token provider is awaited', async () => {
  const fetchMock = jest.fn(async (_url: string, _init?: RequestInit) =>
    reply(200, { channel, routing: { status: 'closed' }, taskStatus: 'completed' }),
  );
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: async () => 'async-token', fetch: fetchMock as never });
  await client.closeChannel({ interactionSid: channel.interactionSid, channelSid: channel.sid, status: 'inactive', routing: { status: 'closed' } });
  expect(Object.fromEntries(fetchMock.mock.calls[0]![1]!.body as URLSearchParams)).toEqual({
    interactionSid: channel.interactionSid,
    channelSid: channel.sid,
    status: 'inactive',
    routing: '{"status":"closed"}',
    Token: 'async-token',
  });
});

describe('with a Flex task', () => {
  const task = { attributes: { flexInteractionSid: channel.interactionSid, flexInteractionChannelSid: channel.sid, conversationSid: 'CH1' } };

  it('closeChannel(task, { complete: true }) closes its channel and completes the task', async () => {
    const fetchMock = jest.fn(async (_url: string, _init?: RequestInit) =>
      reply(200, { channel, routing: { status: 'closed' }, taskStatus: 'completed' }),
    );
    const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock as never });
    await client.closeChannel(task, { complete: true });
    expect(Object.fromEntries(fetchMock.mock.calls[0]![1]!.body as URLSearchParams)).toEqual({
      interactionSid: channel.interactionSid,
      channelSid: channel.sid,
      routing: '{"status":"closed"}',
      Token: 't',
    });
    await client.closeChannel(task);
    expect(Object.fromEntries(fetchMock.mock.calls[1]![1]!.body as URLSearchParams)).toEqual({
      interactionSid: channel.interactionSid,
      channelSid: channel.sid,
      Token: 't',
    });
    await client.getChannel(task);
    expect(fetchMock.mock.calls[2]![0]).toBe('https://svc.example/get-channel');
  });

  it('a task that is not a Flex Conversations task is a typed error, and nothing is sent', async () => {
    const fetchMock = jest.fn();
    const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock as never });
    expect(() => channelOfTask({ attributes: { call_sid: 'CA1' } as never })).toThrow(FlexInteractionChannelsError);
    await expect(client.closeChannel({ attributes: null }, { complete: true })).rejects.toMatchObject({ code: 'invalid_request' });
    expect(fetchMock).not.toHaveBeenCalled();
  });
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
  expect(sleep.mock.calls.map((c: unknown[]) => c[0])).toEqual([3000]);
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
  expect(sleep.mock.calls.map((c: unknown[]) => c[0])).toEqual([1000, 1000]);
});

it("does not retry past the call's deadline: a Retry-After that does not fit is returned as the error", async () => {
  const fetchMock = jest.fn(async () => reply(429, { error: { code: 'rate_limited', message: 'x', status: 429 } }, { 'Retry-After': '60' }));
  const client = new FlexInteractionChannelsClient({
    baseUrl: 'https://svc.example',
    token: 't',
    fetch: fetchMock,
    sleep: async () => undefined,
    deadlineMs: 30_000,
  });
  const err = (await client.getChannel({ interactionSid: 'a', channelSid: 'b' }).catch((e: unknown) => e)) as FlexInteractionChannelsError;
  expect(err.retryAfter).toBe(60);
  expect(fetchMock).toHaveBeenCalledTimes(1);
  // The same wait fits a longer deadline given for this call.
  fetchMock.mockClear();
  await client.getChannel({ interactionSid: 'a', channelSid: 'b' }, { deadlineMs: 120_000 }).catch(() => undefined);
  expect(fetchMock).toHaveBeenCalledTimes(3);
});

it('an abort signal cancels the call, and a wait before a retry', async () => {
  const controller = new AbortController();
  const fetchMock = jest.fn(async () => reply(429, { error: { code: 'rate_limited', message: 'x', status: 429 } }, { 'Retry-After': '5' }));
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock });
  const started = Date.now();
  const call = client.getChannel({ interactionSid: 'a', channelSid: 'b' }, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('agent left the task')), 50);
  await expect(call).rejects.toThrow('agent left the task');
  expect(Date.now() - started).toBeLessThan(2000);
  expect(fetchMock).toHaveBeenCalledTimes(1);
  const aborted = new AbortController();
  aborted.abort(new Error('already'));
  const failing = new FlexInteractionChannelsClient({
    baseUrl: 'https://svc.example',
    token: 't',
    fetch: (async (_u: string, init?: RequestInit) => {
      init?.signal?.throwIfAborted();
      return reply(200, {});
    }) as never,
  });
  await expect(failing.getChannel({ interactionSid: 'a', channelSid: 'b' }, { signal: aborted.signal })).rejects.toThrow('already');
});

it('surfaces the contract error with details; never retries other errors', async () => {
  const body = {
    error: {
      code: 'invalid_request',
      message: 'channelSid is required',
      status: 400,
      details: [{ field: 'channelSid', message: 'channelSid is required' }],
    },
  };
  const fetchMock = jest.fn(async () => reply(400, body));
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock });
  const err = (await client.getChannel({ interactionSid: 'a', channelSid: '' }).catch((e: unknown) => e)) as FlexInteractionChannelsError;
  expect(err).toMatchObject({ code: 'invalid_request', status: 400, details: body.error.details, message: 'channelSid is required' });
  expect(fetchMock).toHaveBeenCalledTimes(1);
});

it('reports an unreachable service and a non-JSON answer distinctly', async () => {
  const down = new FlexInteractionChannelsClient({
    baseUrl: 'https://svc.example',
    token: 't',
    fetch: async () => Promise.reject(new TypeError('fetch failed')),
  });
  await expect(down.getChannel({ interactionSid: 'a', channelSid: 'b' })).rejects.toMatchObject({ code: 'network_error', status: 0 });
  const html = new FlexInteractionChannelsClient({
    baseUrl: 'https://svc.example',
    token: 't',
    fetch: async () => new Response('<html>', { status: 502 }),
  });
  await expect(html.getChannel({ interactionSid: 'a', channelSid: 'b' })).rejects.toMatchObject({ code: 'unreadable_response', status: 502 });
});
