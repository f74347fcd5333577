/**
 * The Studio flow npm run studio builds: from the template and a deploy's SIDs, a definition
 * that passes the flow schema and calls the protected /studio/close-channel with Run Function.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseChannelParams } from '../../../src/contract/params';
import { buildFlow, validateFlow } from '../../../studio/flow';

const ids = {
  serviceSid: `ZS${'1'.repeat(32)}`,
  environmentSid: `ZE${'2'.repeat(32)}`,
  functionSid: `ZH${'3'.repeat(32)}`,
  url: 'https://flex-interaction-channels-1234-dev.twil.io/studio/close-channel',
};
const flow = buildFlow(ids) as any;
const widget = flow.states.find((s: any) => s.type === 'run-function');

it('the built flow passes the schema and the checks the schema cannot make', () => {
  expect(validateFlow(flow)).toEqual([]);
});

it("calls the protected twin with Run Function, with the deploy's SIDs and URL", () => {
  expect(widget.properties).toMatchObject({
    service_sid: ids.serviceSid,
    environment_sid: ids.environmentSid,
    function_sid: ids.functionSid,
    url: ids.url,
  });
  expect(new URL(widget.properties.url).pathname).toBe('/studio/close-channel');
});

it('sends only parameters the function knows, the required ones, and routing as its JSON string', () => {
  const keys = widget.properties.parameters.map((p: { key: string }) => p.key);
  for (const key of keys) expect(Object.keys(CloseChannelParams.shape)).toContain(key);
  expect(keys).toEqual(expect.arrayContaining(['interactionSid', 'channelSid']));
  expect(JSON.parse(widget.properties.parameters.find((p: { key: string }) => p.key === 'routing').value)).toEqual({ status: 'closed' });
});

it('branches on success and fail, keeping the channel status, task status, HTTP status and error code', () => {
  expect(widget.transitions.map((t: { event: string }) => t.event).sort()).toEqual(['fail', 'success']);
  const text = JSON.stringify(flow);
  for (const read of ['parsed.channel.status', 'parsed.taskStatus', 'status_code', 'parsed.error.code'])
    expect(text).toContain(`{{widgets.${widget.name}.${read}}}`);
});

it('an unfilled template, a missing SID, or a broken transition does not pass', () => {
  const template = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'studio', 'close-channel-flow.template.json'), 'utf8'));
  expect(validateFlow(template).join('\n')).toMatch(/service_sid/);
  const broken = JSON.parse(JSON.stringify(flow));
  broken.states[1].transitions[0].next = 'nowhere';
  expect(validateFlow(broken)).toEqual(['/states/close_channel: goes to "nowhere", which is no state']);
  const noUrl = JSON.parse(JSON.stringify(flow));
  delete noUrl.states[1].properties.url;
  expect(validateFlow(noUrl).join('\n')).toMatch(/url/);
});

it('refuses a Make HTTP Request widget with "Authenticate with Twilio" (Twilio documents it for Twilio API URLs only)', () => {
  const http = JSON.parse(JSON.stringify(flow));
  http.states[1] = {
    name: 'close_channel',
    type: 'make-http-request',
    transitions: [{ event: 'success' }, { event: 'failed' }],
    properties: { method: 'POST', url: 'https://x.twil.io/close-channel', add_twilio_auth: true },
  };
  expect(validateFlow(http)).toEqual([
    '/states/close_channel: "Authenticate with Twilio" is for Twilio API URLs only; call the protected function with Run Function instead',
  ]);
});

it('fills the parsed template, not its text: a value with a quote, a backslash or $& is that value and changes nothing else', () => {
  const hostile = { ...ids, url: 'https://x.twil.io/studio/close-channel?a="},"initial_state":"evil"$&\\' };
  const built = buildFlow(hostile) as any;
  const filled = built.states.find((s: any) => s.type === 'run-function');
  expect(filled.properties.url).toBe(hostile.url);
  expect(built.initial_state).toBe('Trigger');
  // Every other value is exactly the template's.
  const again = JSON.parse(JSON.stringify(built));
  again.states.find((s: any) => s.type === 'run-function').properties.url = ids.url;
  expect(again).toEqual(flow);
  // A placeholder inside a longer string is text, not a placeholder.
  expect(buildFlow(ids, JSON.stringify({ description: 'see __SERVICE_SID__ here', sid: '__SERVICE_SID__' }))).toEqual({
    description: 'see __SERVICE_SID__ here',
    sid: ids.serviceSid,
  });
});
