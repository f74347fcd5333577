/**
 * `npm start`'s rebuild on change, in a worker thread: the TypeScript compiler's own watcher
 * (tsconfig.build.json), then the build's later steps (the library bundle, the OpenAPI
 * document); after each successful rebuild the main thread replaces the runtime (a redeploy).
 *
 * Why a worker: the watcher's first pass type-checks the whole project synchronously (several
 * seconds). On the thread that runs the gateway it held every request back, the first ones
 * after "Serving at" included (7.9 to 16 s measured, against the gateway's 10 s limit).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import ts from 'typescript';
import { ROOT } from './root';

type Message = { kind: 'watching' } | { kind: 'rebuilt' } | { kind: 'errors'; count: number } | { kind: 'failed'; message: string };

/** The build's steps after tsc, as `npm run build` runs them (package.json). */
const AFTER_TSC = ['bundle-library.js', 'openapi.js'];

/** Start watching; `onRebuilt` runs on the main thread after each good rebuild. Returns stop. */
export function startWatching(onRebuilt: () => Promise<void>, line: (text: string) => void): () => void {
  const worker = new Worker(__filename);
  worker.on('message', (message: Message) => {
    if (message.kind === 'watching') line('Watching the sources: a change is rebuilt, and the runtime replaced.');
    else if (message.kind === 'errors') line(`Rebuild has ${message.count} error(s); still serving the previous build.`);
    else if (message.kind === 'failed') line(`Rebuilt, but the build's later steps failed: ${message.message}`);
    else
      onRebuilt().then(
        () => line('Rebuilt: the runtime was replaced with the new code.'),
        (err: unknown) => line(`Rebuilt, but the runtime did not restart: ${(err as Error).message}`),
      );
  });
  worker.on('error', (err) => line(`The rebuild watcher stopped: ${err.message}`));
  worker.unref();
  return () => void worker.terminate();
}

function watchInWorker(post: (message: Message) => void): void {
  let first = true;
  const host = ts.createWatchCompilerHost(
    join(ROOT, 'tsconfig.build.json'),
    {},
    ts.sys,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (diagnostic) =>
      process.stderr.write(
        `${ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' })}`,
      ),
    (diagnostic, _newLine, _options, errorCount) => {
      // 6194: "Found N errors. Watching for file changes." after every compilation. The first
      // is the build npm start just made, compiled again: nothing changed.
      if (diagnostic.code !== 6194) return;
      if (first) {
        first = false;
        return post({ kind: 'watching' });
      }
      if (errorCount) return post({ kind: 'errors', count: errorCount });
      try {
        // tsc rewrote what the build's later steps make: make it again, as `npm run build` does.
        for (const script of AFTER_TSC) execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', script)], { cwd: ROOT, stdio: 'inherit' });
      } catch (err) {
        return post({ kind: 'failed', message: (err as Error).message.split('\n')[0]! });
      }
      post({ kind: 'rebuilt' });
    },
  );
  ts.createWatchProgram(host);
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  watchInWorker((message) => port.postMessage(message));
}
