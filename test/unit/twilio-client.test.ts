/**
 * lib/twilio: one client per container and settings, and the Flex API code loaded ahead of the
 * first call (lib/endpoint asks for it while a request's credential check is under way).
 */
import { loadSoon, twilioClient } from '../../functions/lib/twilio.private';
import { loadConfig } from '../../functions/lib/config.private';
import { settings } from '../support/invoke';

const config = () => loadConfig(settings('http://127.0.0.1:2') as never);
/** The helper keeps a domain it has loaded on the client (`_flexApi`, set on first use of `flexApi`). */
const flexDomainLoaded = () => (twilioClient(config()) as unknown as { _flexApi?: unknown })._flexApi !== undefined;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

it('one client per set of settings', () => {
  expect(twilioClient(config())).toBe(twilioClient(config()));
  expect(twilioClient(loadConfig(settings('http://127.0.0.1:3') as never))).not.toBe(twilioClient(config()));
});

it('loadSoon loads the Flex API domain on the next turn of the event loop, not during the call', async () => {
  loadSoon(config());
  expect(flexDomainLoaded()).toBe(false);
  await nextTurn();
  expect(flexDomainLoaded()).toBe(true);
});
