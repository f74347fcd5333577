// npm run test:model -- --runs N --seed S [--steps K]: the model-based suite (test/model/) run long,
// or a failing seed replayed. The options become MODEL_RUNS, MODEL_SEED and MODEL_STEPS for jest.
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
const args = process.argv.slice(2);
const names = { '--runs': 'MODEL_RUNS', '--seed': 'MODEL_SEED', '--steps': 'MODEL_STEPS' };
for (let i = 0; i < args.length; i += 2) {
  const name = names[args[i]];
  if (name === undefined || args[i + 1] === undefined || !/^\d+$/.test(args[i + 1])) {
    console.error(`usage: npm run test:model -- [--runs N] [--seed S] [--steps K] (got ${args.join(' ')})`);
    process.exit(2);
  }
  env[name] = args[i + 1];
}
const jest = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--selectProjects', 'model'], { stdio: 'inherit', env });
process.exit(jest.status ?? 1);
