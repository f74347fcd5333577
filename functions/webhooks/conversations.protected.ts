/** POST /webhooks/conversations: a parked conversation's onMessageAdded webhook (src/webhooks/conversations.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('conversations');
