import type { Server as HttpServer } from 'node:http';
import restify, { type Server, type Request, type Response } from 'restify';
import type { Activity, ActivityHandler } from 'botbuilder';
import type { BotHttpAdapter } from './teams/adapter.js';
import type { AppConfig } from './config.js';
import { isLocalRequest } from './local-request.js';
import type { Logger } from './log.js';
import type { StorageClients } from './storage/clients.js';
import { activityShapeProblem } from './teams/activity-shape.js';

export interface ServerDeps {
  config: AppConfig;
  adapter: BotHttpAdapter;
  bot: ActivityHandler;
  storage: StorageClients;
  log: Logger;
  /** Further routes (tab, upload page, APIs) registered by their own modules. */
  mount?: Array<(server: Server) => void>;
}

const MAX_ACTIVITY_BYTES = 512 * 1024;

export { isLoopbackAddress } from './local-request.js';

/**
 * Timeouts of the Node HTTP server. Node's defaults let a client that sends its headers slowly hold a
 * connection for a minute (plus up to 30 s until the next check), and one whose body trickles in for five.
 * - Headers: complete headers arrive in well under a second from Teams, the Bot Connector, browsers and
 *   App Service's front end (which forwards them at once); 20 s is generous even for a poor mobile link.
 *   Configurable (HTTP_HEADERS_TIMEOUT_MS) so tests need not wait that long.
 * - Whole request: the largest body is one 10 MB evidence screenshot; 120 s allows that at about
 *   0.7 Mbit/s upstream, and is under the 230 s after which App Service's front end gives up anyway.
 * - Keep-alive: App Service's front end keeps connections to the app open and reuses them for up to
 *   230 s idle. If the app closed an idle connection first, a request the front end had just sent on it
 *   would fail as a 502, so the app waits longer (240 s) and the front end always closes first. (Since
 *   Node 18 an idle keep-alive connection is not subject to the headers timeout, so the two need no
 *   particular order.)
 */
export const REQUEST_TIMEOUT_MS = 120_000;
export const KEEP_ALIVE_TIMEOUT_MS = 240_000;

/** The HTTP server: the bot endpoint, health checks, and whatever `mount` adds. */
export function createServer(deps: ServerDeps): Server {
  const { config, adapter, bot, storage, log } = deps;
  const server = restify.createServer({ name: 'safer-social', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // `connectionsCheckingInterval` is a documented http.Server option that @types/node lacks as a property.
  const http = server.server as HttpServer & { connectionsCheckingInterval: number };
  http.headersTimeout = config.httpHeadersTimeoutMs;
  http.requestTimeout = Math.max(REQUEST_TIMEOUT_MS, config.httpHeadersTimeoutMs);
  http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node enforces the first two by a sweep, every 30 s by default: late enough to add half a minute to a
  // 20 s limit. Read when the server starts listening, so setting it here takes effect.
  http.connectionsCheckingInterval = Math.min(5000, Math.max(250, Math.floor(config.httpHeadersTimeoutMs / 4)));

  // Browsers are told to use https only for the public https address, never for a loopback http one.
  const hsts = config.env === 'production' && config.publicBaseUrl.startsWith('https://');
  server.pre((req, res, next) => {
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    if (hsts) res.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    return next();
  });

  const messagesBody = restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false, mapFiles: false });
  server.post('/api/messages', ...messagesBody, async (req: Request, res: Response) => {
    if (!config.bot.appId) {
      if (!config.bot.dangerouslyAllowUnauthenticatedRequests) {
        res.send(401, { error: 'Bot credentials are not configured; requests cannot be authenticated.' });
        return;
      }
      if (!isLocalRequest(req)) {
        res.send(403, { error: 'Unauthenticated bot requests are accepted from this machine only, not through a proxy or tunnel.' });
        return;
      }
    }
    const problem = activityShapeProblem(req.body);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
    const answer = await adapter.answer(req.header('authorization') ?? '', req.body as Activity, (ctx) => bot.run(ctx));
    if (answer.body === undefined) res.send(answer.status);
    else res.send(answer.status, answer.body);
  });

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'alive' });
  });
  server.get('/readyz', async (_req: Request, res: Response) => {
    try {
      await storage.ping();
      res.send(200, { status: 'ready' });
    } catch (e) {
      log.warn({ errorName: (e as Error).name }, 'storage not reachable');
      res.send(503, { status: 'storage unreachable' });
    }
  });

  for (const m of deps.mount ?? []) m(server);

  server.on('restifyError', (req: Request, res: Response, err: Error & { statusCode?: number }, cb: () => void) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) log.error({ path: req.path(), errorName: err.name }, 'request failed');
    // Never echo internal error text; 4xx messages are our own.
    (err as unknown as { toJSON: () => unknown }).toJSON = () => ({ error: status >= 500 ? 'Internal error' : err.message });
    return cb();
  });
  return server;
}
