// Preloaded into a benchmark server by `BENCH_ONLY=profile npm run bench` (scripts/bench/profile.ts):
// the first SIGUSR2 starts V8's CPU profiler, the second stops it and writes the profile to the
// file named by the BENCH_CPU_PROFILE setting. Plain JS: it is loaded before anything compiles.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');

const file = process.env.BENCH_CPU_PROFILE;
const session = new Session();
session.connect();
let running = false;

process.on('SIGUSR2', () => {
  if (!running) {
    running = true;
    session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')));
    return;
  }
  session.post('Profiler.stop', (err, result) => {
    running = false;
    writeFileSync(file, JSON.stringify(err ? { error: String(err) } : result.profile));
  });
});
