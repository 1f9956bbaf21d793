import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { png } from './images.js';

/**
 * A web server on loopback that is NOT on the attachment allow-list: it answers every request with an
 * image and records it, so a test can prove the bot never fetched from it.
 */
export async function startOutsider(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(png(100));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
