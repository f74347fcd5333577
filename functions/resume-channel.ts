/** /resume-channel: resume a parked conversation now, exactly once (src/workflows/resume.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('resume-channel');
