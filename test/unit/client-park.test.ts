/** The client's park calls: what each sends (a form POST with Token, no header: no preflight), from a Flex task or a park. */
import { FlexInteractionChannelsClient } from '../../client/flex-interaction-channels';

const KD = `KD${'1'.repeat(32)}`;
const UO = `UO${'2'.repeat(32)}`;
const UT = `UT${'3'.repeat(32)}`;
const task = { attributes: { flexInteractionSid: KD, flexInteractionChannelSid: UO, conversationSid: 'CH1' } };

function setup(body: unknown = {}) {
  const fetchMock = jest.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(body), { status: 200 }));
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: fetchMock as never });
  const sent = (i: number) => ({
    url: fetchMock.mock.calls[i]![0],
    method: fetchMock.mock.calls[i]![1]!.method,
    headers: fetchMock.mock.calls[i]![1]!.headers,
    form: Object.fromEntries(fetchMock.mock.calls[i]![1]!.body as URLSearchParams),
  });
  return { client, fetchMock, sent };
}

it('parkChannel(task) needs only the task; a participantSid is sent when given', async () => {
  const { client, sent } = setup({ webhookSid: 'WH1' });
  expect(await client.parkChannel(task)).toEqual({ webhookSid: 'WH1' });
  expect(sent(0)).toEqual({
    url: 'https://svc.example/park-channel',
    method: 'POST',
    headers: undefined,
    form: { interactionSid: KD, channelSid: UO, Token: 't' },
  });
  await client.parkChannel(task, { participantSid: UT });
  expect(sent(1).form).toEqual({ interactionSid: KD, channelSid: UO, participantSid: UT, Token: 't' });
});

it('resumeChannel takes a park from listParked (only its ids are sent) or a task', async () => {
  const { client, sent } = setup({ action: 'resumed' });
  const park = { interactionSid: KD, channelSid: UO, conversationSid: 'CH1', parkedAt: '2026-01-01T00:00:00Z' };
  await client.resumeChannel(park as never);
  expect(sent(0)).toEqual({
    url: 'https://svc.example/resume-channel',
    method: 'POST',
    headers: undefined,
    form: { interactionSid: KD, channelSid: UO, Token: 't' },
  });
  await client.resumeChannel(task);
  expect(sent(1).form).toEqual({ interactionSid: KD, channelSid: UO, Token: 't' });
});

it('listParked sends the page it asks for, and nothing when it asks for none', async () => {
  const { client, sent } = setup({ parked: [], count: 0, nextPageToken: null });
  await client.listParked();
  expect(sent(0)).toEqual({ url: 'https://svc.example/list-parked', method: 'POST', headers: undefined, form: { Token: 't' } });
  await client.listParked({ pageSize: 10, pageToken: 'PT1' });
  expect(sent(1).form).toEqual({ pageSize: '10', pageToken: 'PT1', Token: 't' });
});
