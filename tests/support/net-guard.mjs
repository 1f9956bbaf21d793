// Loaded into every process the tests start (NODE_OPTIONS=--import): any connection attempt to a host
// that is not loopback fails at once and is recorded, and the run fails at teardown.
import net from 'node:net';
import { appendFileSync } from 'node:fs';

const LOG = process.env.NET_GUARD_LOG;
const isLoopback = (h) => {
  if (h === undefined || h === null || h === '') return true; // Node defaults to localhost
  const host = String(h).replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1';
};

const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let opts = args[0];
  if (Array.isArray(opts)) opts = opts[0];
  let host;
  let path;
  if (opts && typeof opts === 'object') {
    host = opts.host;
    path = opts.path;
  } else if (typeof opts === 'number' || (typeof opts === 'string' && /^\d+$/.test(opts))) {
    host = typeof args[1] === 'string' ? args[1] : undefined;
  } else if (typeof opts === 'string') {
    path = opts;
  }
  if (!path && !isLoopback(host)) {
    const msg = `net-guard: blocked connection to ${host} from pid ${process.pid} (${process.argv.slice(1, 3).join(' ')})`;
    if (LOG) {
      try { appendFileSync(LOG, msg + '\n'); } catch {}
    }
    const err = new Error(msg);
    err.code = 'ENETUNREACH';
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return original.apply(this, args);
};
