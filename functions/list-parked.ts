/** /list-parked: the parked conversations a caller may see (src/workflows/parked-list.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('list-parked');
