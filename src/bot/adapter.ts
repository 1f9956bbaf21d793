import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
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

/** The Bot Framework adapter, authenticated from validated configuration (never the whole environment). */
export function createAdapter(config: AppConfig, log: Logger): CloudAdapter {
  const auth = new ReusingBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  });
  const adapter = new CloudAdapter(auth);
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
