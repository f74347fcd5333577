/** /studio/transfer-channel: the protected twin of /transfer-channel, for callers Twilio signs (Studio, webhooks). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('transfer-channel');
