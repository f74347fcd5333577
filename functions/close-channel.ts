/** POST /close-channel — close a channel (or set it inactive), its tasks wrapping or completed. The contract: src/contract/api.ts. */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('close-channel');
