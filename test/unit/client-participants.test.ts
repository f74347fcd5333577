/** The client's participant calls: what each sends (a form POST, nothing else), from SIDs or from a Flex task alone. */
import { FlexInteractionChannelsClient, FlexInteractionChannelsError } from '../../client/flex-interaction-channels';

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

it.each(['wrapup', 'closed'] as const)(
  'leaveChannel(task, { status: %s }) needs only the task: its channel, no participantSid (the service finds the agent)',
  async (status) => {
    const { client, sent } = setup({ agentsRemaining: 0 });
    expect(await client.leaveChannel(task, { status })).toEqual({ agentsRemaining: 0 });
    expect(sent(0)).toEqual({
      url: 'https://svc.example/update-participant',
      method: 'POST',
      headers: undefined,
      form: { interactionSid: KD, channelSid: UO, status, Token: 't' },
    });
  },
);

it('updateParticipant names the participant; listParticipants takes SIDs or a task', async () => {
  const { client, sent } = setup();
  await client.updateParticipant({ interactionSid: KD, channelSid: UO, status: 'closed', participantSid: UT });
  expect(sent(0).form).toEqual({ interactionSid: KD, channelSid: UO, status: 'closed', participantSid: UT, Token: 't' });
  await client.listParticipants(task);
  await client.listParticipants({ interactionSid: KD, channelSid: UO });
  expect(sent(1)).toEqual({
    url: 'https://svc.example/list-participants',
    method: 'POST',
    headers: undefined,
    form: { interactionSid: KD, channelSid: UO, Token: 't' },
  });
  expect(sent(2).form).toEqual(sent(1).form);
});

it('a task that is not a Flex Conversations task: a typed error, nothing sent', async () => {
  const { client, fetchMock } = setup();
  await expect(client.leaveChannel({ attributes: {} }, { status: 'wrapup' })).rejects.toBeInstanceOf(FlexInteractionChannelsError);
  await expect(client.listParticipants({ attributes: null })).rejects.toMatchObject({ code: 'invalid_request' });
  expect(fetchMock).not.toHaveBeenCalled();
});

it('transferChannel(task, { queueSid | workerSid, mode }): one form POST to /transfer-channel with the task channel and the target', async () => {
  const { client, sent } = setup({ transferId: 'x' });
  const WQ = `WQ${'4'.repeat(32)}`;
  const WK = `WK${'5'.repeat(32)}`;
  await client.transferChannel(task, { queueSid: WQ });
  expect(sent(0)).toEqual({
    url: 'https://svc.example/transfer-channel',
    method: 'POST',
    headers: undefined,
    form: { interactionSid: KD, channelSid: UO, queueSid: WQ, Token: 't' },
  });
  await client.transferChannel(task, { workerSid: WK, mode: 'warm' });
  expect(sent(1).form).toEqual({ interactionSid: KD, channelSid: UO, workerSid: WK, mode: 'warm', Token: 't' });
  await client.transferChannel({ interactionSid: KD, channelSid: UO, queueSid: WQ, participantSid: UT });
  expect(sent(2).form).toEqual({ interactionSid: KD, channelSid: UO, queueSid: WQ, participantSid: UT, Token: 't' });
});
