import type { CloudAdapter, TurnContext } from 'botbuilder';
import type { ConversationReference, Activity } from 'botbuilder';
import type { ConversationRef } from '../storage/conversation-refs.js';
import { DeliveryError, safeCode, type OutboundMessage, type Sender } from '../domain/cases/outbox-dispatcher.js';
import { MessageTooLargeError, REFUSE_OVERSIZE } from './message-size-guard.js';

function toReference(r: ConversationRef): Partial<ConversationReference> {
  return {
    channelId: r.channelId,
    serviceUrl: r.serviceUrl,
    conversation: { id: r.conversationId, isGroup: false, conversationType: 'personal', tenantId: r.tenantId, name: '' },
    user: { id: r.userId, name: r.userName ?? '', aadObjectId: r.aadObjectId },
    bot: { id: r.botId, name: r.botName ?? '' },
  };
}

function toActivity(msg: OutboundMessage): Partial<Activity> {
  const cards = msg.cards ?? (msg.card ? [msg.card] : []);
  return {
    type: 'message',
    text: msg.text,
    textFormat: 'markdown',
    attachments: cards.length ? cards.map((c) => ({ contentType: c.contentType, content: c.content })) : undefined,
    // Several cards in one message (a burst of alerts) are shown one under another.
    attachmentLayout: msg.cards ? 'list' : undefined,
  };
}

/** The Bot Connector's error code: on the error itself, or in its JSON body (`{ error: { code } }`). */
function errorCode(err: { code?: unknown; response?: { parsedBody?: unknown; bodyAsText?: string } } | undefined): string | undefined {
  const own = safeCode(err?.code);
  if (own) return own;
  let body = err?.response?.parsedBody as { error?: { code?: unknown }; code?: unknown } | undefined;
  if (!body && typeof err?.response?.bodyAsText === 'string') {
    try {
      body = JSON.parse(err.response.bodyAsText) as typeof body;
    } catch {
      body = undefined;
    }
  }
  return safeCode(body?.error?.code ?? body?.code);
}

/**
 * Maps a Bot Connector failure to a retry decision (429 honours Retry-After; 4xx other than 408/429 are
 * final), keeping the HTTP status and error code for the case and the log (never the error's message).
 */
export function toDeliveryError(e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  // Refused here, before Teams would have answered 413: retrying cannot help.
  if (e instanceof MessageTooLargeError) return new DeliveryError('tooLarge', false, undefined, undefined, 'tooLarge');
  const err = e as { statusCode?: number; code?: unknown; response?: { status?: number; parsedBody?: unknown; bodyAsText?: string; headers?: { get?: (n: string) => string | undefined } | Record<string, string> } };
  const status = err?.statusCode ?? err?.response?.status;
  const code = errorCode(err);
  const h = err?.response?.headers;
  const retryAfterRaw = h ? (typeof (h as { get?: unknown }).get === 'function' ? (h as { get: (n: string) => string | undefined }).get('retry-after') : (h as Record<string, string>)['retry-after']) : undefined;
  const secs = retryAfterRaw !== undefined ? Number(retryAfterRaw) : NaN;
  const retryAfterMs = Number.isFinite(secs) ? secs * 1000 : undefined;
  if (status === 429) return new DeliveryError('throttled', true, retryAfterMs ?? 1000, 429, code);
  if (status && status >= 400 && status < 500 && status !== 408) return new DeliveryError('rejected', false, undefined, status, code);
  return new DeliveryError(status ? 'server error' : 'network error', true, retryAfterMs, status, code);
}

/**
 * The connector client retries on its own (up to 3 times, inside one call). The outbox is the one place
 * that decides retries, so that every attempt is counted, bounded and visible on the case: take the
 * SDK's retry policy out of this turn's client.
 */
function withoutSdkRetries(adapter: CloudAdapter, ctx: TurnContext): void {
  const client = ctx.turnState.get(adapter.ConnectorClientKey) as { client?: { pipeline?: { removePolicy(o: { phase: string }): unknown } } } | undefined;
  client?.client?.pipeline?.removePolicy({ phase: 'Retry' });
}

/** Proactive messages through the Bot Connector, from stored conversation references. */
export class BotSender implements Sender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async send(ref: ConversationRef, msg: OutboundMessage): Promise<{ activityId: string }> {
    let activityId = '';
    await this.inConversation(ref, async (ctx) => {
      const r = await ctx.sendActivity(toActivity(msg));
      activityId = r?.id ?? '';
    });
    return { activityId };
  }

  async update(ref: ConversationRef, activityId: string, msg: OutboundMessage): Promise<void> {
    await this.inConversation(ref, async (ctx) => {
      await ctx.updateActivity({ ...toActivity(msg), id: activityId });
    });
  }

  /**
   * The adapter hands errors thrown in a proactive turn to onTurnError and resolves; the outbox needs
   * the failure itself to decide on a retry, so it is caught inside the turn and rethrown here.
   */
  private async inConversation(ref: ConversationRef, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    let failure: unknown;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, toReference(ref), async (ctx) => {
        withoutSdkRetries(this.adapter, ctx);
        ctx.turnState.set(REFUSE_OVERSIZE, true);
        try {
          await logic(ctx);
        } catch (e) {
          failure = e;
        }
      });
    } catch (e) {
      failure = e;
    }
    if (failure !== undefined) throw toDeliveryError(failure);
  }
}
