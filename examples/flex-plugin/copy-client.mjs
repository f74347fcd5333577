// The plugin imports the client as built by the service's project (`npm run build` there):
// copy dist/client/flex-interaction-channels.mjs and its declarations (.d.mts) into
// src/services/, where a plugin made with the Flex Plugins CLI keeps such files. In your own
// plugin, copy the two files once (and again when the service's API changes).
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, '..', '..', 'dist', 'client');
const target = join(here, 'src', 'services');
if (!existsSync(join(built, 'flex-interaction-channels.mjs'))) {
  console.error(`No built client in ${built}: run npm run build in the project first.`);
  process.exit(1);
}
mkdirSync(target, { recursive: true });
for (const file of ['flex-interaction-channels.mjs', 'flex-interaction-channels.d.mts']) copyFileSync(join(built, file), join(target, file));
