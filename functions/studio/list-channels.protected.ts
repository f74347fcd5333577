/** /studio/list-channels: the protected twin of /list-channels, for callers Twilio signs (Studio, webhooks). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('list-channels');
