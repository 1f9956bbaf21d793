import type { IncomingHttpHeaders } from 'node:http';
import { isLoopbackHost } from './config.js';

/**
 * Whether a request was made on this machine, for the development switches (unauthenticated bot
 * messages, development sign-in, and every tab request carrying a development token).
 *
 * A loopback peer address is not enough: a tunnel or reverse proxy running here (dev tunnels, ngrok, a
 * forwarder) connects from 127.0.0.1 too. What it cannot hide is the host the client asked for (the
 * tunnel's public name, not 127.0.0.1) and, for the usual ones, the forwarding headers it adds. So all
 * three are required: a loopback peer, a loopback `Host`, and no proxy header at all.
 */
export function isLocalRequest(req: { socket: { remoteAddress?: string }; headers: IncomingHttpHeaders }): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && isLoopbackHostHeader(req.headers.host) && !hasProxyHeader(req.headers);
}

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.replace(/^::ffff:/, '');
  return a === '::1' || isLoopbackHost(a);
}

/** `127.0.0.1`, `localhost` or `[::1]`, each with or without a port; nothing else (not even another 127.x name). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  return !!host && /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i.test(host);
}

/** Headers that proxies, tunnels and load balancers add to say whom they forward for. */
const PROXY_HEADERS = new Set([
  'forwarded',
  'via',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-host',
  'x-original-url',
  'x-arr-ssl',
  'x-arr-log-id',
  'disguised-host',
]);

function hasProxyHeader(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some((h) => PROXY_HEADERS.has(h) || h.startsWith('x-forwarded-') || h.startsWith('x-ms-devtunnel'));
}
