/**
 * Import first in every test file of tests/package: any attempt to open a TCP/TLS connection to
 * a host other than loopback fails at once (and is recorded), so a validator that quietly tries
 * the network (for example to fetch a schema) makes the test fail instead of hanging or leaking.
 */
import net from 'node:net';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/i;
export const blockedConnections: string[] = [];

type ConnectFn = (this: net.Socket, ...args: unknown[]) => net.Socket;
const guarded = Symbol.for('safer-social.network-guard');
const proto = net.Socket.prototype as unknown as Record<PropertyKey, unknown> & { connect: ConnectFn };

if (!proto[guarded]) {
  const original = proto.connect;
  proto.connect = function (this: net.Socket, ...args: unknown[]): net.Socket {
    // connect(options[, cb]) | connect(port[, host][, cb]) | connect(path[, cb]); net.connect passes [options, cb] arrays too
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    let host: string | undefined;
    let path: string | undefined;
    if (first && typeof first === 'object') {
      host = (first as { host?: string }).host;
      path = (first as { path?: string }).path;
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
      path = first;
    } else if (typeof args[1] === 'string') {
      host = args[1];
    }
    if (!path) {
      const target = host ?? 'localhost';
      if (!LOOPBACK.test(target.replace(/^\[|\]$/g, ''))) {
        blockedConnections.push(target);
        const err = new Error(`network guard: connection to ${target} blocked (tests may only use loopback)`);
        process.nextTick(() => this.destroy(err));
        return this;
      }
    }
    return original.apply(this, args);
  };
  proto[guarded] = true;
}
