/** POST /webhooks/taskrouter: TaskRouter's Event Callback URL, for transfers and the orphan guard (src/webhooks/taskrouter.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('taskrouter');
