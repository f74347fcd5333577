/** POST /webhooks/orphan-guard: TaskRouter's Event Callback URL (src/workflows/orphan-guard.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('orphan-guard');
