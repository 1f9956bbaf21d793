import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Server } from 'restify';

/** Microsoft 365 hosts that may frame the tab (Teams web, desktop, mobile, Outlook and the Microsoft 365 app). */
export const FRAME_ANCESTORS = [
  "'self'",
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://*.office365.com',
  'https://*.microsoft365.com',
  'https://outlook.office.com',
  'https://*.outlook.com',
  'https://*.skype.com',
];

/**
 * No inline script anywhere: the page loads the bundle from 'self'. Fluent UI (griffel) inserts style
 * elements at run time, hence 'unsafe-inline' for styles only. Evidence images are shown from blob: URLs
 * made from authorised fetches.
 */
export const TAB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  `frame-ancestors ${FRAME_ANCESTORS.join(' ')}`,
].join('; ');

/** The only files served under /tab, with their types. Anything else is a 404: no path ever reaches the disk. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'config.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'config.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Shared code split out of the bundles by esbuild (chunk-<hash>.js). */
const CHUNK = /^chunk-[A-Z0-9]{8}\.js$/;

/** dist/tab beside the bundled server, or under the working directory (when the server runs from source). */
function tabDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'tab'), path.resolve('dist/tab')];
  return candidates.find((d) => existsSync(path.join(d, 'index.html'))) ?? candidates[1];
}

export function mountStaticFiles(server: Server): void {
  const send = async (req: Request, res: Response, name: string) => {
    const type = FILES[name] ?? (CHUNK.test(name) ? FILES['app.js'] : undefined);
    if (!type) {
      res.send(404, { error: 'Not found' });
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(path.join(tabDir(), name));
    } catch {
      res.send(404, { error: 'The tab has not been built (npm run build).' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': body.length,
      'Content-Security-Policy': TAB_CSP,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
      'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  server.get('/tab', async (_req: Request, res: Response) => {
    res.writeHead(302, { Location: '/tab/index.html' });
    res.end();
  });
  server.get('/tab/', async (req: Request, res: Response) => send(req, res, 'index.html'));
  server.get('/tab/:file', async (req: Request, res: Response) => send(req, res, String(req.params.file ?? '')));
}
