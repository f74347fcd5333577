/**
 * /studio/get-channel — the protected twin of /get-channel, for callers Twilio signs: Studio's Run Function
 * widget and Twilio webhooks. Twilio's gateway admits only requests with a valid
 * X-Twilio-Signature (protected visibility), so the caller is Twilio, verified by the platform:
 * no credential is checked again here. Same parameters, Twilio calls, answers and errors as
 * /get-channel (both are built from lib/operations).
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('../lib/endpoint.private');
const { GET_CHANNEL } = require(Runtime.getFunctions()['lib/operations']!.path) as typeof import('../lib/operations.private');

export const handler = endpoint(GET_CHANNEL, { verifiedByPlatform: true });
