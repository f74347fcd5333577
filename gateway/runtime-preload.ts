/**
 * Loaded with `node --require` into the twilio-run process behind the gateway. Two things
 * twilio-run does that the platform does not, and that no twilio-run flag changes:
 * 1. It listens on every network interface (`app.listen(port)`). Behind the gateway it must
 *    be reachable from this machine only, so a listen without a host is pinned to 127.0.0.1.
 * 2. Its dev runtime strips Twilio's restricted headers from `event.request.headers` except
 *    `Host` ("Headers and cookies: Limitations" lists Host). HTTP/1.1 needs a Host between the
 *    gateway and twilio-run, so the header the function would see is removed here, by adding
 *    it to the dev runtime's own list. If that list moves in a later version, this throws at
 *    start and the local platform does not come up: loud, never silently wrong.
 */
import { dirname, join } from 'node:path';
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(this: net.Server, ...args: unknown[]) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  }
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof net.Server.prototype.listen;

const devRuntime = require.resolve('@twilio/runtime-handler/dev', { paths: [process.cwd()] });
const restricted = require(join(dirname(devRuntime), 'checks', 'restricted-headers.js')) as {
  restrictedHeaderExactMatches: string[];
};
if (!Array.isArray(restricted.restrictedHeaderExactMatches)) {
  throw new Error('twilio-run: the dev runtime no longer exports restrictedHeaderExactMatches; update gateway/runtime-preload');
}
if (!restricted.restrictedHeaderExactMatches.includes('host')) restricted.restrictedHeaderExactMatches.push('host');

// A deployed container does not outlive its platform: if whatever started this runtime (npm
// start, a test) is gone, so is this process, and nothing is left behind.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 500).unref();
