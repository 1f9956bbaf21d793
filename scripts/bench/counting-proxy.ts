/**
 * A counting HTTP proxy in front of Azurite (run as its own process, so that it does not share the load
 * generator's event loop). The server under test is given a connection string that points here; every
 * Table and Blob request it makes is counted by service, method and table or container, then forwarded
 * unchanged; the time each took is summed under "ms <key>". Controlled over IPC: { id, op: 'snapshot' | 'reset' } → { id, counts }.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyCounts = Record<string, number>;
export interface ProxyReady {
  ready: true;
  tablePort: number;
  blobPort: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let counts: ProxyCounts = {};

/** `table GET botstate`, `table POST $batch`, `blob PUT evidence`: the account segment and keys left out. */
function keyOf(service: string, method: string, url: string): string {
  const path = url.split('?')[0];
  const segment = (path.split('/')[2] ?? '').replace(/\(.*$/, '');
  return `${service} ${method} ${decodeURIComponent(segment) || '/'}`;
}

function forward(service: 'table' | 'blob', targetPort: number): http.Server {
  return http.createServer((req, res) => {
    const key = keyOf(service, req.method ?? 'GET', req.url ?? '/');
    counts[key] = (counts[key] ?? 0) + 1;
    // Time spent waiting for Azurite, under "ms <key>": separates the emulator's share of a request.
    const started = performance.now();
    res.on('finish', () => (counts[`ms ${key}`] = (counts[`ms ${key}`] ?? 0) + performance.now() - started));
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.rawHeaders as unknown as http.OutgoingHttpHeaders);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
}

async function listen(s: http.Server): Promise<number> {
  s.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  const tablePort = await listen(forward('table', Number(process.env.PROXY_TABLE_TARGET)));
  const blobPort = await listen(forward('blob', Number(process.env.PROXY_BLOB_TARGET)));
  process.on('message', (m: { id: number; op: 'snapshot' | 'reset' }) => {
    const snapshot = { ...counts };
    if (m.op === 'reset') counts = {};
    process.send!({ id: m.id, counts: snapshot });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: true, tablePort, blobPort } satisfies ProxyReady);
}

main().catch((e: Error) => {
  process.stderr.write(`counting proxy failed: ${e.message}\n`);
  process.exit(1);
});
