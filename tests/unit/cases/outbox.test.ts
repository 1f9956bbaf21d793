import { describe, expect, it } from 'vitest';
import { nextDelay, DeliveryError, OutboxDispatcher, CARDS_PER_MESSAGE, ConversationBudget, FAST_PATH_RESERVE_MS, type OutboundMessage } from '../../../src/domain/cases/outbox-dispatcher.js';
import type { CaseRecord, OutboxItem } from '../../../src/domain/cases/types.js';
import type { ConversationRef } from '../../../src/domain/cases/ports.js';
import type { Logger } from '../../../src/log.js';
import { toDeliveryError } from '../../../src/teams/delivery.js';
import { MemoryOutboxStore } from '../../support/memory-outbox-store.js';

const o = { baseDelayMs: 500, maxDelayMs: 60_000 };

describe('outbox retry timing', () => {
  it('backs off exponentially with ±20% jitter', () => {
    expect(nextDelay(1, o, undefined, () => 0.5)).toBe(500);
    expect(nextDelay(2, o, undefined, () => 0.5)).toBe(1000);
    expect(nextDelay(4, o, undefined, () => 0.5)).toBe(4000);
    expect(nextDelay(3, o, undefined, () => 0)).toBe(1600);
    expect(nextDelay(3, o, undefined, () => 1)).toBe(2400);
    expect(nextDelay(30, o, undefined, () => 0.5)).toBe(60_000);
  });

  it('honours Retry-After, capped', () => {
    expect(nextDelay(1, o, 3000)).toBe(3000);
    expect(nextDelay(1, o, 10 * 60_000)).toBe(60_000);
  });

  it('classifies connector failures', () => {
    const withHeaders = (status: number, headers: Record<string, string> = {}) => ({ statusCode: status, response: { status, headers: { get: (n: string) => headers[n] } } });
    const throttled = toDeliveryError(withHeaders(429, { 'retry-after': '2' }));
    expect([throttled.retryable, throttled.retryAfterMs, throttled.status]).toEqual([true, 2000, 429]);
    expect(toDeliveryError(withHeaders(500)).retryable).toBe(true);
    expect(toDeliveryError(withHeaders(503)).retryable).toBe(true);
    expect(toDeliveryError(withHeaders(403)).retryable).toBe(false); // bot blocked or uninstalled
    expect(toDeliveryError(withHeaders(404)).retryable).toBe(false);
    expect(toDeliveryError(new Error('ECONNRESET')).retryable).toBe(true);
    const own = new DeliveryError('timed out', true);
    expect(toDeliveryError(own)).toBe(own);
  });
});

describe('outbox fast path: one queue per recipient', () => {
  const item = (id: string, kind: OutboxItem['kind'], aad: string): OutboxItem => ({
    id,
    schoolId: 'westbrook',
    caseId: `case-${id}`,
    kind,
    recipient: { aadObjectId: aad, name: aad },
    payload: {},
    state: 'pending',
    attempts: 0,
    nextAttemptAt: '2026-01-01T00:00:00.000Z',
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  function harness() {
    const sent: Array<{ to: string; id: string; at: number; cards: number }> = [];
    const store = new MemoryOutboxStore();
    const refs = { findByAad: async (aad: string) => ({ conversationId: `conv-${aad}` }) as unknown as ConversationRef };
    const sender = {
      send: async (ref: ConversationRef, msg: OutboundMessage) => {
        sent.push({ to: ref.conversationId, id: String(msg.text), at: Date.now(), cards: msg.cards?.length ?? (msg.card ? 1 : 0) });
        return { activityId: `a-${sent.length}` };
      },
      update: async () => undefined,
    };
    const render = async (i: OutboxItem) => ({ text: i.id, card: { contentType: 'application/vnd.microsoft.card.adaptive', content: { id: i.id } } });
    const log = { warn: () => undefined, info: () => undefined } as unknown as Logger;
    const d = new OutboxDispatcher(store, refs, sender, render, log, () => new Date(), { pollMs: 3_600_000 });
    // As a case's transaction does: the rows are stored, reserved for this instance's fast path.
    const written = (...items: OutboxItem[]) =>
      store.write({ schoolId: 'westbrook', id: items[0].caseId } as CaseRecord, items, new Date(Date.now() + FAST_PATH_RESERVE_MS).toISOString());
    return { d, sent, saved: store.saved, written };
  }

  it('sends a safeguarding alert before the notices already waiting for the same person', async () => {
    const { d, sent, written } = harness();
    d.start();
    try {
      // A DSL who is also SLT has five notices queued; then a safeguarding concern arrives.
      d.deliverWritten(written(...[1, 2, 3, 4, 5].map((n) => item(`notice${n}`, 'sltNotice', 'dev'))));
      d.deliverWritten(written(item('alert', 'dslAlert', 'dev'), item('receipt', 'receipt', 'sam')));
      await d.idle();
    } finally {
      await d.stop();
    }
    const toDev = sent.filter((s) => s.to === 'conv-dev');
    // The first notice was already being sent; the alert goes next, ahead of the other four, which then go
    // together in one message.
    expect(toDev.map((s) => s.id)).toEqual(['notice1', 'alert', 'notice2\n\nnotice3\n\nnotice4\n\nnotice5']);
    expect(toDev.map((s) => s.cards)).toEqual([1, 1, 4]);
    // Another person's receipt does not wait behind them.
    expect(sent.find((s) => s.id === 'receipt')!.at - toDev[0].at).toBeLessThan(100);
  });

  it('sends the alerts that pile up for one DSL together, in one message of cards', async () => {
    const { d, sent, saved, written } = harness();
    d.start();
    try {
      // Twelve concerns in quick succession: the first goes at once, the others wait for the spacing.
      for (let n = 1; n <= 12; n++) d.deliverWritten(written(item(`alert${n}`, 'dslAlert', 'dev')));
      await d.idle();
    } finally {
      await d.stop();
    }
    // One message of 1, then 8 (the most in one message), then the remaining 3; every alert exactly once.
    expect(sent.map((s) => s.cards)).toEqual([1, CARDS_PER_MESSAGE, 12 - 1 - CARDS_PER_MESSAGE]);
    expect(sent.map((s) => s.id).join('\n\n').split('\n\n')).toEqual(Array.from({ length: 12 }, (_, i) => `alert${i + 1}`));
    // Each row records the message it went in, so acknowledging one card can rewrite the whole message.
    const second = saved.filter((o) => o.sharedMessage?.length === CARDS_PER_MESSAGE);
    expect(second.map((o) => o.id)).toEqual(Array.from({ length: 8 }, (_, i) => `alert${i + 2}`));
    expect(new Set(second.map((o) => o.activityId)).size).toBe(1);
    expect(saved.find((o) => o.id === 'alert1')!.sharedMessage).toBeUndefined();
  });

  it('keeps each conversation within its budget, leaving room for alerts that notices may not use', () => {
    const b = new ConversationBudget(150, 2);
    const t0 = 1_000_000;
    // Notices: two in a second, then the third waits until the first is a second old.
    b.record('dev', false, t0);
    b.record('dev', false, t0 + 100);
    expect(b.waitFor('dev', false, t0 + 200)).toBe(800);
    // An alert goes at once whatever notices went; the next alert waits for the gap after it.
    expect(b.waitFor('dev', true, t0 + 200)).toBe(0);
    b.record('dev', true, t0 + 200);
    expect(b.waitFor('dev', true, t0 + 250)).toBe(100);
    expect(b.waitFor('dev', true, t0 + 350)).toBe(0);
    // While alerts flow, a notice waits for them too (they count towards its share).
    expect(b.waitFor('dev', false, t0 + 1050)).toBe(50);
    // Another conversation has its own budget; old starts no longer count.
    expect(b.waitFor('rachel', false, t0 + 400)).toBe(0);
    expect(b.waitFor('dev', false, t0 + 1201)).toBe(0);
  });

  it('sends a waiting notice no faster than its share of the budget', async () => {
    const { d, sent, written } = harness();
    d.start();
    try {
      // Three notices for one person, each in its own message kind that may not be grouped (receipts).
      d.deliverWritten(written(item('r1', 'receipt', 'dev'), item('r2', 'statusUpdate', 'dev'), item('r3', 'receipt', 'dev')));
      await d.idle();
    } finally {
      await d.stop();
    }
    expect(sent.map((s) => s.id)).toEqual(['r1', 'r2', 'r3']);
    expect(sent[1].at - sent[0].at).toBeLessThan(100);
    expect(sent[2].at - sent[0].at).toBeGreaterThanOrEqual(990);
  });

  it('stops promptly, leaving what it has not sent pending in storage for the next instance', async () => {
    const { d, sent, saved, written } = harness();
    d.start();
    d.deliverWritten(written(...[1, 2, 3, 4].map((n) => item(`r${n}`, 'receipt', 'dev'))));
    await new Promise((r) => setTimeout(r, 100));
    const t = Date.now();
    await d.stop();
    expect(Date.now() - t).toBeLessThan(300);
    // Two went within the second's budget; the other two were never sent, nor marked anything.
    expect(sent.map((s) => s.id)).toEqual(['r1', 'r2']);
    expect(saved.map((o) => o.id).sort()).toEqual(['r1', 'r2']);
  });
});
