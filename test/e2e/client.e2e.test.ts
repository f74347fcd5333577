/**
 * The Flex plugin client and the Studio flow against the real server, with every answer
 * checked against the OpenAPI description the build generated (and that the server serves).
 */
import * as api from '../../src/contract/api';
import twilio from 'twilio';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FlexInteractionChannelsClient, FlexInteractionChannelsError } from '../../client/flex-interaction-channels';
import { startSeededFake, type Seeded } from '../support/fake';
import { expectDeclared } from '../support/openapi-responses';
import { ROOT, startFunctions, type Running } from '../support/processes';
import * as f from '../support/fixtures';
import { buildFlow } from '../../studio/flow';

jest.setTimeout(60_000);

let s: Seeded;
let server: Running;

beforeAll(async () => {
  s = await startSeededFake();
  server = await startFunctions(
    {
      ACCOUNT_SID: f.ACCOUNT_SID,
      AUTH_TOKEN: f.AUTH_TOKEN,
      TWILIO_API_BASE_URL: s.baseUrl,
      TWILIO_IAM_BASE_URL: s.baseUrl,
      REQUEST_DEADLINE_MS: '2000',
    },
    {},
  );
});
afterAll(async () => {
  await server?.stop();
  await s?.fake.stop();
});

/** The client, with fetch wrapped so every answer is checked against the description. */
function client(token: string): FlexInteractionChannelsClient {
  const checkedFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = await response.clone().json();
    expectDeclared(new URL(String(input)).pathname, 'post', response.status, body);
    return response;
  };
  return new FlexInteractionChannelsClient({ baseUrl: server.url, token: () => token, fetch: checkedFetch, sleep: async () => undefined });
}

it('serves /openapi.json, the description the build generated', async () => {
  const response = await fetch(`${server.url}/openapi.json`);
  expect(response.status).toBe(200);
  const served = (await response.json()) as { paths: object };
  expect(served).toEqual(JSON.parse(readFileSync(join(ROOT, 'assets', 'openapi.json'), 'utf8')));
  expect(Object.keys(served.paths)).toHaveLength(api.ENDPOINTS.length);
});

it('getChannel, listChannels and closeChannel work for the agent on the channel', async () => {
  const agent = client(f.AGENT_TOKEN);
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }, { type: 'email' }]);
  const got = await agent.getChannel({ interactionSid, channelSid: channelSids[0]! });
  expect(got.channel.status).toBe('active');
  const list = await agent.listChannels({ interactionSid, limit: 5 });
  expect(list.count).toBe(2);
  const closed = await agent.closeChannel({ interactionSid, channelSid: channelSids[0]!, routing: { status: 'closed' } });
  expect(closed).toMatchObject({ channel: { status: 'closed' }, routing: { status: 'closed' }, taskStatus: 'completed' });
});

it.each([
  ['forbidden', 403, () => client(f.OUTSIDER_TOKEN).closeChannel({ interactionSid: s.interactionSid, channelSid: s.channelSid })],
  ['unauthorized', 401, () => client('not-a-token').getChannel({ interactionSid: s.interactionSid, channelSid: s.channelSid })],
  ['invalid_request', 400, () => client(f.AGENT_TOKEN).getChannel({ interactionSid: s.interactionSid, channelSid: 'UO1' })],
  ['not_found', 404, () => client(f.AGENT_TOKEN).getChannel({ interactionSid: s.interactionSid, channelSid: f.UO_UNKNOWN })],
])('surfaces %s (%i) as a typed error whose body matches the description', async (code, status, call) => {
  const err = await call().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(FlexInteractionChannelsError);
  expect(err).toMatchObject({ code, status });
});

it('retries a 429 from the service, honouring Retry-After, then succeeds', async () => {
  s.fake.clearRequests();
  // Twilio answers 429 for longer than the function's deadline allows, once; the function
  // answers 429 with Retry-After, and the client tries again.
  s.fake.inject({ kind: 'status', status: 429, retryAfter: '1' }, (q) => q.path.startsWith('/v1/Interactions'), 2);
  const got = await client(f.AGENT_TOKEN).getChannel({ interactionSid: s.interactionSid, channelSid: s.channelSid });
  expect(got.channel.sid).toBe(s.channelSid);
  expect(s.fake.apiRequests().length).toBe(3);
});

it("the Studio flow's Run Function request, sent as Studio sends it (a signed form POST), closes the channel through the protected twin", async () => {
  const host = new URL(server.url).host;
  const flow = buildFlow({
    serviceSid: `ZS${'1'.repeat(32)}`,
    environmentSid: `ZE${'2'.repeat(32)}`,
    functionSid: `ZH${'3'.repeat(32)}`,
    url: `https://${host}/studio/close-channel`,
  }) as any;
  const widget = flow.states.find((st: { type: string }) => st.type === 'run-function');
  const { interactionSid, channelSids } = s.fake.addInteraction([{}]);
  const data: Record<string, string> = { interactionSid, channelSid: channelSids[0]! };
  const params: Record<string, string> = {};
  for (const { key, value } of widget.properties.parameters as Array<{ key: string; value: string }>) {
    params[key] = value.replace(/\{\{flow\.data\.(\w+)\}\}/g, (_m, name: string) => data[name]!);
  }
  const url = new URL(widget.properties.url);
  const response = await fetch(`${server.url}${url.pathname}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, widget.properties.url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  expect(response.status).toBe(200);
  const parsed = (await response.json()) as any;
  expectDeclared('/close-channel', 'post', 200, parsed);
  // What the flow keeps: widgets.close_channel.parsed.channel.status and .taskStatus
  expect(parsed.channel.status).toBe('closed');
  expect(parsed.taskStatus).toBe('completed');
});
