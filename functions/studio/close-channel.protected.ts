/** /studio/close-channel: the protected twin of /close-channel, for callers Twilio signs (Studio, webhooks). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('close-channel');
