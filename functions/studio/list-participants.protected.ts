/** /studio/list-participants: the protected twin of /list-participants, for callers Twilio signs (Studio, webhooks). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('list-participants');
