/** /studio/resume-channel: the protected twin of /resume-channel, for callers Twilio signs (Studio, webhooks). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../../src/library')).protectedHandler('resume-channel');
