/**
 * studio/close-channel-flow.json is a well-formed Studio flow definition whose HTTP widget
 * calls /close-channel the way the contract wants.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseChannelParams } from '../../functions/lib/params.private';

const flow = JSON.parse(readFileSync(join(__dirname, '..', '..', 'studio', 'close-channel-flow.json'), 'utf8'));
const states = flow.states as Array<{ name: string; type: string; transitions: Array<{ event: string; next?: string }>; properties: any }>;
const http = states.find((s) => s.type === 'make-http-request')!;

it('is a flow definition: states, an initial trigger, transitions to states that exist', () => {
  expect(typeof flow.description).toBe('string');
  expect(flow.flags).toEqual({ allow_concurrent_calls: true });
  const names = new Set(states.map((s) => s.name));
  expect(names.size).toBe(states.length);
  expect(states.find((s) => s.name === flow.initial_state)!.type).toBe('trigger');
  for (const state of states) {
    expect(Array.isArray(state.transitions)).toBe(true);
    for (const t of state.transitions) if (t.next !== undefined) expect(names.has(t.next)).toBe(true);
  }
});

it('calls /close-channel with POST, a form body and "Authenticate with Twilio"', () => {
  expect(http.properties.method).toBe('POST');
  expect(new URL(http.properties.url).pathname).toBe('/close-channel');
  expect(http.properties.content_type).toBe('application/x-www-form-urlencoded;charset=utf-8');
  expect(http.properties.add_twilio_auth).toBe(true);
});

it('sends only parameters the function knows, and the required ones', () => {
  const keys = http.properties.parameters.map((p: { key: string }) => p.key);
  const known = Object.keys(CloseChannelParams.shape);
  for (const key of keys) expect(known).toContain(key);
  expect(keys).toEqual(expect.arrayContaining(['interactionSid', 'channelSid']));
  const routing = http.properties.parameters.find((p: { key: string }) => p.key === 'routing');
  expect(JSON.parse(routing.value)).toEqual({ status: 'closed' });
});

it('branches on success and failure, and reads the parsed JSON of the contract', () => {
  expect(http.transitions.map((t) => t.event).sort()).toEqual(['failed', 'success']);
  const text = JSON.stringify(flow);
  expect(text).toContain(`{{widgets.${http.name}.parsed.channel.status}}`);
  expect(text).toContain(`{{widgets.${http.name}.parsed.taskStatus}}`);
  expect(text).toContain(`{{widgets.${http.name}.parsed.error.code}}`);
});
