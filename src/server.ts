import restify, { type Server, type Request, type Response } from 'restify';
import type { CloudAdapter } from 'botbuilder';
import type { ActivityHandler } from 'botbuilder';
import { isLoopbackHost, type AppConfig } from './config.js';
import type { Logger } from './log.js';
import type { StorageClients } from './storage/clients.js';
import { activityShapeProblem } from './bot/activity-shape.js';

export interface ServerDeps {
  config: AppConfig;
  adapter: CloudAdapter;
  bot: ActivityHandler;
  storage: StorageClients;
  log: Logger;
  /** Further routes (tab, upload page, APIs) registered by their own modules. */
  mount?: Array<(server: Server) => void>;
}

const MAX_ACTIVITY_BYTES = 512 * 1024;

export function isLoopbackAddress(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.replace(/^::ffff:/, '');
  return a === '::1' || isLoopbackHost(a);
}

/** The HTTP server: the bot endpoint, health checks, and whatever `mount` adds. */
export function createServer(deps: ServerDeps): Server {
  const { config, adapter, bot, storage, log } = deps;
  const server = restify.createServer({ name: 'safer-social', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.pre((req, res, next) => {
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Referrer-Policy', 'no-referrer');
    return next();
  });

  const messagesBody = restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false, mapFiles: false });
  server.post('/api/messages', ...messagesBody, async (req: Request, res: Response) => {
    if (!config.bot.appId) {
      if (!config.bot.dangerouslyAllowUnauthenticatedRequests) {
        res.send(401, { error: 'Bot credentials are not configured; requests cannot be authenticated.' });
        return;
      }
      if (!isLoopbackAddress(req.socket.remoteAddress)) {
        res.send(403, { error: 'Unauthenticated bot requests are accepted from this machine only.' });
        return;
      }
    }
    const problem = activityShapeProblem(req.body);
    if (problem) {
      res.send(400, { error: problem });
      return;
    }
    await adapter.process(req, res, (ctx) => bot.run(ctx));
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
