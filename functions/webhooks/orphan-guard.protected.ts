/**
 * POST /webhooks/orphan-guard — for a TaskRouter workspace's Event Callback URL: closes the
 * channel of a Flex Conversations task that was canceled or timed out (ORPHAN_GUARD_EVENTS)
 * when the channel is still open and no agent is left on it. Always 200, saying what it did
 * and why (lib/orphan-guard). Protected: Twilio's gateway admits only requests Twilio signed.
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('../lib/endpoint.private');
const orphans = require(Runtime.getFunctions()['lib/orphan-guard']!.path) as typeof import('../lib/orphan-guard.private');

export const handler = endpoint(
  {
    methods: ['POST'],
    params: orphans.TaskRouterEvent,
    // TaskRouter posts the whole task (attributes included) and many fields of its own.
    webhook: true,
    maxParamsBytes: 128 * 1024,
    run: ({ params, client, config }) => orphans.guard(client(), params, config.orphanGuardEvents),
  },
  { verifiedByPlatform: true },
);
