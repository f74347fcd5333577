/** POST /webhooks/taskrouter: TaskRouter's Event Callback URL, for transfers and the orphan guard (src/interactions/taskrouter-webhook.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('taskrouter');
