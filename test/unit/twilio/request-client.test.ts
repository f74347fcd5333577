/**
 * twilio/client requestClient: the shared client as one request sees it. Every call the helper
 * makes through the view (a second page of a list included) is bounded by the request's
 * deadline, which reaches the transport through the view alone (no AsyncLocalStorage). These
 * tests fail if a `twilio` update changes the internals the view relies on (`_httpClient`, the
 * domains' `_<name>` caches).
 */
import { requestClient, twilioClient } from '../../../src/twilio/client';
import { Deadline } from '../../../src/twilio/deadline';
import { UpstreamTimeoutError } from '../../../src/edge/errors';
import { loadConfig } from '../../../src/config';
import { settings } from '../../support/invoke';
import { startSeededFake, type Seeded } from '../../support/fake';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const config = () => loadConfig(settings(s.baseUrl) as never);
const fetchChannel = (client: ReturnType<typeof twilioClient>) => client.flexApi.v1.interaction(s.interactionSid).channels(s.channelSid).fetch();

it("a request's view answers like the shared client, and shares its credentials and loaded code", async () => {
  const view = requestClient(config(), new Deadline(5000));
  expect((await fetchChannel(view)).sid).toBe(s.channelSid);
  expect(view.accountSid).toBe(twilioClient(config()).accountSid);
  expect(view).toBeInstanceOf(twilioClient(config()).constructor);
});

it("a call through the view is bounded by the request's deadline: none left, nothing sent; the shared client is not", async () => {
  const err = await fetchChannel(requestClient(config(), new Deadline(0))).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamTimeoutError);
  expect(s.fake.apiRequests()).toHaveLength(0);
  // Outside a request the shared client's calls get a fresh fallback deadline (REQUEST_DEADLINE_MS).
  expect((await fetchChannel(twilioClient(config()))).sid).toBe(s.channelSid);
  expect(s.fake.apiRequests()).toHaveLength(1);
});

it("the view's domains are its own: a view whose deadline ran out does not stop another request's view", async () => {
  const spent = requestClient(config(), new Deadline(0));
  const fresh = requestClient(config(), new Deadline(5000));
  await expect(fetchChannel(spent)).rejects.toBeInstanceOf(UpstreamTimeoutError);
  expect((await fetchChannel(fresh)).sid).toBe(s.channelSid);
  await expect(fetchChannel(spent)).rejects.toBeInstanceOf(UpstreamTimeoutError);
});

it("a list's later pages (fetched by the helper after the first answer) are bounded by the same request's deadline", async () => {
  s.fake.latencyMs = 50;
  let clock = 1_000_000;
  const deadline = new Deadline(5000, () => clock);
  const view = requestClient(config(), deadline);
  const listing = view.flexApi.v1.interaction(s.interactionSid).channels.list({ pageSize: 1, limit: 2 });
  // The first page is asked for at once; before it is answered (50 ms), the clock passes the deadline.
  await new Promise((resolve) => setTimeout(resolve, 5));
  clock += 10_000;
  await expect(listing).rejects.toBeInstanceOf(UpstreamTimeoutError);
  expect(s.fake.apiRequests()).toHaveLength(1);
});
