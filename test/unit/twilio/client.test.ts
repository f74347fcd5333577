/**
 * lib/twilio: one client per container and settings, and the Flex API code loaded ahead of the
 * first call (lib/endpoint asks for it while a request's credential check is under way).
 */
import { loadSoon, twilioClient } from '../../../src/twilio/client';
import { loadConfig } from '../../../src/config';
import { settings } from '../../support/invoke';

const config = () => loadConfig(settings('http://127.0.0.1:2') as never);
/** The helper keeps a domain it has loaded on the client (`_flexApi`, set on first use of `flexApi`). */
const flexLoadedOn = (client: unknown) => (client as { _flexApi?: unknown })._flexApi !== undefined;
const flexDomainLoaded = () => flexLoadedOn(twilioClient(config()));
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

it('one client per set of settings', () => {
  expect(twilioClient(config())).toBe(twilioClient(config()));
  expect(twilioClient(loadConfig(settings('http://127.0.0.1:3') as never))).not.toBe(twilioClient(config()));
});

it('settings that differ only in where one ends and the next begins still get their own clients', () => {
  const a = twilioClient({ ...config(), region: 'au1', edge: 'x' });
  expect(twilioClient({ ...config(), region: 'au', edge: '1x' })).not.toBe(a);
});

it('building a client loads no API domain (the helper loads each on first use)', () => {
  expect(flexLoadedOn(twilioClient(loadConfig(settings('http://127.0.0.1:4') as never)))).toBe(false);
});

it('loadSoon loads the Flex API domain on the next turn of the event loop, not during the call', async () => {
  loadSoon(config());
  expect(flexDomainLoaded()).toBe(false);
  await nextTurn();
  expect(flexDomainLoaded()).toBe(true);
});

it('loadSoon acts once per container: a later call builds nothing', async () => {
  const first = loadConfig(settings('http://127.0.0.1:5') as never);
  loadSoon(first);
  await nextTurn();
  const client = twilioClient(first);
  loadSoon(loadConfig(settings('http://127.0.0.1:6') as never));
  await nextTurn();
  // Had the second call built a client for its own settings, that one would now be cached.
  expect(twilioClient(first)).toBe(client);
});
