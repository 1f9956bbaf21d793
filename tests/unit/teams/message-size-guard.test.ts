import { describe, expect, it } from 'vitest';
import { BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import { createAdapter } from '../../../src/teams/adapter.js';
import { BotSender } from '../../../src/teams/delivery.js';
import { MessageTooLargeError, REFUSE_OVERSIZE, TOO_LARGE_APOLOGY, messageSizeGuard } from '../../../src/teams/message-size-guard.js';
import { TEAMS_MAX_MESSAGE_BYTES } from '../../../src/domain/message-size.js';
import { FAST_PATH_RESERVE_MS, OutboxDispatcher, type OutboundMessage } from '../../../src/domain/cases/outbox-dispatcher.js';
import type { AppConfig } from '../../../src/config.js';
import type { Logger } from '../../../src/log.js';
import type { CaseRecord, OutboxItem } from '../../../src/domain/cases/types.js';
import type { ConversationRef } from '../../../src/domain/cases/ports.js';
import { ConnectorStub } from '../../support/connector-stub.js';
import { MemoryOutboxStore } from '../../support/memory-outbox-store.js';

/** A card whose text alone is over Teams' limit (the words are what must never reach the log). */
const SECRET_WORDS = 'pupil-name-that-must-not-be-logged ';
const bigCard = () => ({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: SECRET_WORDS.repeat(Math.ceil(TEAMS_MAX_MESSAGE_BYTES / SECRET_WORDS.length) + 10) }] } });
const smallCard = () => ({ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hello' }] } });

function capturingLog() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, obj, msg });
  return { lines, log: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Logger };
}

/** Records what reaches the channel, to run the guard on a plain TurnContext. */
class RecordingAdapter extends BotAdapter {
  readonly sent: Partial<Activity>[] = [];
  readonly updated: Partial<Activity>[] = [];
  async sendActivities(_ctx: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    this.sent.push(...activities);
    return activities.map((_, i) => ({ id: String(i) }));
  }
  async updateActivity(_ctx: TurnContext, a: Partial<Activity>): Promise<void> {
    this.updated.push(a);
  }
  async deleteActivity(): Promise<void> {}
  async continueConversation(_r: Partial<ConversationReference>, logic: (ctx: TurnContext) => Promise<void>): Promise<void> {
    await logic(new TurnContext(this, { type: 'event' }));
  }
}

const incoming = { type: 'message', id: 'act-1', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1', conversation: { id: 'conv-1' }, from: { id: '29:u' }, recipient: { id: '28:b' } } as Partial<Activity>;

async function turn(logic: (ctx: TurnContext) => Promise<void>) {
  const adapter = new RecordingAdapter();
  const { lines, log } = capturingLog();
  const ctx = new TurnContext(adapter, incoming);
  await messageSizeGuard(log).onTurn(ctx, () => logic(ctx));
  return { adapter, lines };
}

describe('the bot refuses to send a message over Teams\' size limit', () => {
  it('replaces an oversize reply with a short plain apology, and logs ids and size only', async () => {
    const { adapter, lines } = await turn(async (ctx) => {
      await ctx.sendActivity({ attachments: [bigCard()] });
    });
    expect(adapter.sent).toHaveLength(1);
    expect(adapter.sent[0].text).toBe(TOO_LARGE_APOLOGY);
    expect(adapter.sent[0].attachments).toBeUndefined();
    expect(JSON.stringify(adapter.sent[0]).length).toBeLessThan(2000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', obj: { conversationId: 'conv-1', replyToId: 'act-1', limit: TEAMS_MAX_MESSAGE_BYTES } });
    expect(lines[0].obj.bytes).toBeGreaterThan(TEAMS_MAX_MESSAGE_BYTES);
    expect(JSON.stringify(lines)).not.toContain('pupil-name');
  });

  it('sends a message under the limit unchanged, and logs nothing', async () => {
    const { adapter, lines } = await turn(async (ctx) => {
      await ctx.sendActivities([{ text: 'one' }, { attachments: [smallCard()] }]);
    });
    expect(adapter.sent.map((a) => a.text ?? a.attachments?.[0].content.body[0].text)).toEqual(['one', 'Hello']);
    expect(lines).toEqual([]);
  });

  it('answers an oversize invoke response with an Adaptive Card error instead', async () => {
    const { adapter, lines } = await turn(async (ctx) => {
      await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: bigCard().content } } });
    });
    expect(adapter.sent[0].value).toMatchObject({ status: 200, body: { statusCode: 400, type: 'application/vnd.microsoft.error' } });
    expect(lines.map((l) => l.msg)).toEqual(['invoke response refused: too large for Teams']);
  });

  it('in a proactive send (REFUSE_OVERSIZE), and for an update in place, throws instead of sending', async () => {
    const { adapter, lines } = await turn(async (ctx) => {
      ctx.turnState.set(REFUSE_OVERSIZE, true);
      await expect(ctx.sendActivity({ attachments: [bigCard()] })).rejects.toBeInstanceOf(MessageTooLargeError);
      await expect(ctx.updateActivity({ id: 'x', attachments: [bigCard()] })).rejects.toBeInstanceOf(MessageTooLargeError);
      await ctx.updateActivity({ id: 'y', attachments: [smallCard()] });
    });
    expect(adapter.sent).toEqual([]);
    expect(adapter.updated.map((a) => a.id)).toEqual(['y']);
    expect(lines.map((l) => l.msg)).toEqual(['message refused: too large for Teams', 'update refused: too large for Teams']);
  });

  it('the outbox marks an oversize delivery failed, tooLarge, at once; nothing reaches the Bot Connector', async () => {
    const connector = await new ConnectorStub().start();
    const { lines, log } = capturingLog();
    try {
      const config = { env: 'test', bot: { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' } } as unknown as AppConfig;
      const sender = new BotSender(createAdapter(config, log), '');
      const ref = { channelId: 'msteams', serviceUrl: connector.url, conversationId: 'a:personal-dsl', tenantId: 't', userId: '29:dsl', aadObjectId: 'dsl', botId: '28:b' } as ConversationRef;
      // A message under the limit goes through the same sender.
      await sender.send(ref, { card: smallCard() });
      await connector.waitUntil(() => connector.sent.length === 1);

      const store = new MemoryOutboxStore();
      const saved = store.saved;
      const render = async (): Promise<OutboundMessage> => ({ card: bigCard() });
      const d = new OutboxDispatcher(store, { findByAad: async () => ref }, sender, render, log, () => new Date(), { pollMs: 3_600_000, maxAttempts: 6 });
      const item: OutboxItem = {
        id: 'o1', schoolId: 'westbrook', caseId: 'c1', kind: 'dslAlert', recipient: { aadObjectId: 'dsl', name: 'Dev' }, payload: {}, state: 'pending', attempts: 0,
        nextAttemptAt: '2026-01-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z',
      };
      d.start();
      try {
        d.deliverWritten(store.write({ schoolId: 'westbrook', id: 'c1' } as CaseRecord, [item], new Date(Date.now() + FAST_PATH_RESERVE_MS).toISOString()));
        await d.idle();
      } finally {
        await d.stop();
      }
      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatchObject({ id: 'o1', state: 'failed', attempts: 1, lastError: 'tooLarge' });
      expect(connector.sent).toHaveLength(1);
      expect(lines.some((l) => l.msg === 'message refused: too large for Teams' && (l.obj.bytes as number) > TEAMS_MAX_MESSAGE_BYTES)).toBe(true);
      expect(JSON.stringify(lines)).not.toContain('pupil-name');
    } finally {
      await connector.stop();
    }
  });
});
