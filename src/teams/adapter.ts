import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type Activity, type TurnContext } from 'botbuilder';
import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';
import { messageSizeGuard } from './message-size-guard.js';

/**
 * The one message for a failed turn (storage unreachable, a bug). The turn's state was not saved, so the
 * person's last message was not either, and everything before it still is: say exactly that.
 */
export const APOLOGY =
  'Sorry, something went wrong on our side, so I could not save what you just sent. ' +
  'Your earlier answers are kept: please send it again (or press the button again) in a minute. ' +
  'If a child is in immediate danger, do not wait: contact your designated safeguarding lead or call 999.';

type Auth = ConfigurationBotFrameworkAuthentication;
type Claims = Parameters<Auth['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<Auth['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<Auth['createUserTokenClient']>>;

/** Serve URLs and audiences are few; a bound keeps a stream of odd ones from growing the cache without end. */
const MAX_CLIENTS = 64;

/**
 * The SDK builds a new ConnectorClient and a new UserTokenClient (each a full HTTP pipeline) for every
 * turn and every proactive message; under load that is a large share of the server's CPU and garbage.
 * Both are stateless apart from their credentials (which cache and renew their own token), so one per
 * app id, service URL and audience is reused here, as the older BotFrameworkAdapter did.
 */
export class ReusingBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly tokenClients = new Map<string, Promise<UserTokenClient>>();

  override async authenticateRequest(...args: Parameters<Auth['authenticateRequest']>): ReturnType<Auth['authenticateRequest']> {
    const r = await super.authenticateRequest(...args);
    return r.connectorFactory ? { ...r, connectorFactory: this.reusing(r.connectorFactory, r.claimsIdentity) } : r;
  }

  override createConnectorFactory(claims: Claims): ConnectorFactory {
    return this.reusing(super.createConnectorFactory(claims), claims);
  }

  override createUserTokenClient(claims: Claims): Promise<UserTokenClient> {
    return cached(this.tokenClients, appIdOf(claims), () => super.createUserTokenClient(claims));
  }

  private reusing(factory: ConnectorFactory, claims: Claims): ConnectorFactory {
    const appId = appIdOf(claims);
    return { create: (serviceUrl: string, audience?: string) => cached(this.connectors, `${appId}|${serviceUrl}|${audience ?? ''}`, () => factory.create(serviceUrl, audience)) };
  }
}

/** The bot's app id as the SDK's factories read it from the claims (audience, else appid). */
const appIdOf = (claims: Claims) => String(claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? '');

function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    if (map.size >= MAX_CLIENTS) map.clear();
    p = make();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

/** What to answer the channel's POST with. */
export interface BotHttpAnswer {
  status: number;
  body?: unknown;
}

/**
 * The SDK's `process()` answers a failed request with the error's own text (a token library's reasons, a
 * stack's first line) to whoever sent it, unauthenticated callers included, and prints the whole error to
 * stderr. This runs the same two steps itself, so every refusal and failure gets our own words and the log
 * gets the error's name only.
 */
export class BotHttpAdapter extends CloudAdapter {
  constructor(auth: ConfigurationBotFrameworkAuthentication, private readonly log: Logger) {
    super(auth);
  }

  /** Authenticate the request, then run the turn. `activity` is the parsed body, already checked for shape. */
  async answer(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<BotHttpAnswer> {
    fixTimestamps(activity);
    let auth: Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
    try {
      auth = await this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
    } catch (e) {
      this.log.warn({ activityId: activity.id, errorName: (e as Error)?.name }, 'bot request not authenticated');
      return { status: 401, body: { error: 'Unauthorized' } };
    }
    try {
      const r = await this.processActivity(auth, activity, logic);
      const status = r?.status ?? 200;
      // Invoke bodies are our handlers' own; a 5xx still says nothing about why.
      return status >= 500 ? { status, body: { error: 'Internal error' } } : { status, body: r?.body };
    } catch (e) {
      this.log.error({ activityId: activity.id, conversationId: activity.conversation?.id, errorName: (e as Error)?.name }, 'bot request failed');
      return { status: 500, body: { error: 'Internal error' } };
    }
  }
}

/** As the SDK's `process()` does before a turn: timestamps arrive as strings and the SDK's types say Date. */
function fixTimestamps(a: Activity): void {
  const raw = a as Activity & Record<string, unknown>;
  for (const [field, rawField] of [['timestamp', 'rawTimestamp'], ['expiration', 'rawExpiration'], ['localTimestamp', 'rawLocalTimestamp']] as const) {
    const v = raw[field];
    if (typeof v === 'string') {
      raw[rawField] = v;
      raw[field] = new Date(v);
    }
  }
}

/** The Bot Framework adapter, authenticated from validated configuration (never the whole environment). */
export function createAdapter(config: AppConfig, log: Logger): BotHttpAdapter {
  const auth = new ReusingBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  });
  const adapter = new BotHttpAdapter(auth, log);
  adapter.use(messageSizeGuard(log));
  adapter.onTurnError = async (ctx: TurnContext, error: unknown) => {
    // Ids only: never the message text, names or the error's own message (it may quote user input).
    log.error(
      {
        activityId: ctx.activity?.id,
        conversationId: ctx.activity?.conversation?.id,
        activityType: ctx.activity?.type,
        errorName: (error as Error)?.name,
        errorCode: (error as { code?: string; statusCode?: number })?.code ?? (error as { statusCode?: number })?.statusCode,
        stack: config.env === 'production' ? undefined : (error as Error)?.stack?.split('\n').slice(1, 6).join('\n'),
      },
      'turn failed',
    );
    if (ctx.activity?.type === 'message') {
      try {
        await ctx.sendActivity(APOLOGY);
      } catch {
        log.warn({ conversationId: ctx.activity?.conversation?.id }, 'could not send apology');
      }
    }
  };
  return adapter;
}
