import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { AppConfig } from '../config.js';
import type { Logger } from '../log.js';

/**
 * The one message for a failed turn (storage unreachable, a bug). The turn's state was not saved, so the
 * person's last message was not either, and everything before it still is: say exactly that.
 */
export const APOLOGY =
  'Sorry, something went wrong on our side, so I could not save what you just sent. ' +
  'Your earlier answers are kept: please send it again (or press the button again) in a minute. ' +
  'If a child is in immediate danger, do not wait: contact your designated safeguarding lead or call 999.';

/** The Bot Framework adapter, authenticated from validated configuration (never `process.env` wholesale). */
export function createAdapter(config: AppConfig, log: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppPassword: config.bot.appPassword,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
  });
  const adapter = new CloudAdapter(auth);
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
