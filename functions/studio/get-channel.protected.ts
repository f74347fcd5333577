/** /studio/get-channel: the protected twin of /get-channel, for callers Twilio signs (Studio, webhooks). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('get-channel');
