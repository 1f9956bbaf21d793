// Preloaded (node --import) into child processes started by tests/package: a connection attempt to
// any host but loopback is refused and reported on stderr as "BLOCKED <host>", which the test checks.
import net from 'node:net';

const original = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  let path;
  if (first && typeof first === 'object') ({ host, path } = first);
  else if (typeof first === 'string' && !/^\d+$/.test(first)) path = first;
  else if (typeof args[1] === 'string') host = args[1];
  const h = String(host ?? 'localhost').replace(/^\[|\]$/g, '').toLowerCase();
  if (!path && !(h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '::ffff:127.0.0.1')) {
    process.stderr.write(`BLOCKED ${h}\n`);
    process.nextTick(() => this.destroy(new Error(`blocked connection to ${h}`)));
    return this;
  }
  return original.apply(this, args);
};
