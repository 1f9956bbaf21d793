// Preloaded (NODE_OPTIONS=--import) into the Agents Playground, which calls `server.listen(port)` and so
// listens on every interface. It forwards chat to a bot that, in development, accepts requests without
// authentication: anyone on the same network could talk to it as the signed-in person. A listen without a
// host is pinned to 127.0.0.1 instead.
import net from 'node:net';

const LOOPBACK = '127.0.0.1';
const original = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') {
    return original.call(this, 0, LOOPBACK, ...args.slice(first === undefined ? 1 : 0));
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string') return original.call(this, first, LOOPBACK, ...args.slice(1));
    return original.apply(this, args);
  }
  if (first && typeof first === 'object' && !Array.isArray(first) && 'port' in first && !first.host && !first.path) {
    return original.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  return original.apply(this, args);
};
