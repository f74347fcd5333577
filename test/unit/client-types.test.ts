/**
 * The client's types say what the service takes: `npm run typecheck` (tsc over test/) fails if
 * a line marked @ts-expect-error compiles.
 */
import { FlexInteractionChannelsClient, type CloseChannelRequest } from '../../client/flex-interaction-channels';

const ids = { interactionSid: `KD${'1'.repeat(32)}`, channelSid: `UO${'1'.repeat(32)}` };

it('refuses status inactive without routing, for SIDs and for a task (a compile-time check)', () => {
  const closedOnly: CloseChannelRequest = { ...ids };
  const completed: CloseChannelRequest = { ...ids, status: 'closed', routing: { status: 'closed' } };
  const inactive: CloseChannelRequest = { ...ids, status: 'inactive', routing: { status: 'closed' } };
  // @ts-expect-error the service answers 400: inactive needs routing
  const refused: CloseChannelRequest = { ...ids, status: 'inactive' };
  const client = new FlexInteractionChannelsClient({ baseUrl: 'https://svc.example', token: 't', fetch: (async () => new Response('{}')) as never });
  const task = { attributes: { flexInteractionSid: ids.interactionSid, flexInteractionChannelSid: ids.channelSid } };
  const later = [
    () => client.closeChannel(task, { status: 'inactive', complete: true }),
    // @ts-expect-error inactive needs complete (routing) for a task too
    () => client.closeChannel(task, { status: 'inactive' }),
  ];
  expect([closedOnly, completed, inactive, refused].map((r) => r.status)).toEqual([undefined, 'closed', 'inactive', 'inactive']);
  expect(later).toHaveLength(2);
});
