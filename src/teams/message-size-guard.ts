import type { Activity, Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../log.js';
import { TEAMS_MAX_MESSAGE_BYTES, messageBytes } from '../domain/message-size.js';

/** Sent instead of a reply that Teams would refuse for its size. */
export const TOO_LARGE_APOLOGY =
  'Sorry, what I had to show you here is too large for Teams, so I could not send it. Nothing you sent was lost. ' +
  'Please open the Cases tab, or type **help**.';

/** A message over Teams' size limit was not sent. */
export class MessageTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super('tooLarge');
    this.name = 'MessageTooLargeError';
  }
}

/** Set by the proactive sender: in its turns an oversize message is a failure to report, not a reply to replace. */
export const REFUSE_OVERSIZE = Symbol('refuseOversizeMessages');

/**
 * Every message the bot sends goes through here (the adapter's middleware: replies, invoke responses and
 * proactive messages alike). One over TEAMS_MAX_MESSAGE_BYTES would be refused by Teams with HTTP 413 and
 * the person would see nothing: it is logged (ids and size only) and, in a conversation turn, replaced by a
 * short apology; for the outbox (REFUSE_OVERSIZE) it throws, and the delivery is marked failed, 'tooLarge'.
 */
export function messageSizeGuard(log: Logger): Middleware {
  const refuse = (ctx: TurnContext, a: Partial<Activity>, bytes: number, what: string) =>
    log.error(
      { activityType: a.type, conversationId: a.conversation?.id ?? ctx.activity?.conversation?.id, replyToId: a.replyToId, activityId: a.id, bytes, limit: TEAMS_MAX_MESSAGE_BYTES },
      `${what} refused: too large for Teams`,
    );
  return {
    async onTurn(ctx, next) {
      ctx.onSendActivities(async (c, activities, send) => {
        for (const [i, a] of activities.entries()) {
          const bytes = messageBytes(a);
          if (bytes <= TEAMS_MAX_MESSAGE_BYTES) continue;
          refuse(c, a, bytes, a.type === 'invokeResponse' ? 'invoke response' : 'message');
          if (c.turnState.get(REFUSE_OVERSIZE)) throw new MessageTooLargeError(bytes);
          activities[i] =
            a.type === 'invokeResponse'
              ? { ...a, value: { status: 200, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'This card is too large for Teams to show. Please open the Cases tab.' } } } }
              : { ...a, text: TOO_LARGE_APOLOGY, textFormat: 'markdown', attachments: undefined, attachmentLayout: undefined, suggestedActions: undefined };
        }
        return send();
      });
      ctx.onUpdateActivity(async (c, a, update) => {
        const bytes = messageBytes(a);
        if (bytes > TEAMS_MAX_MESSAGE_BYTES) {
          refuse(c, a, bytes, 'update');
          throw new MessageTooLargeError(bytes);
        }
        return update();
      });
      await next();
    },
  };
}
