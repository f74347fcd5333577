/** POST /update-participant — wrap up or complete one agent's participation; the channel stays open. The contract: src/contract/api.ts. */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('update-participant');
