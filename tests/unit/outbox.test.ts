import { describe, expect, it } from 'vitest';
import { nextDelay, DeliveryError, OutboxDispatcher, type OutboundMessage } from '../../src/domain/cases/outbox-dispatcher.js';
import type { CaseRecord, OutboxItem } from '../../src/domain/cases/types.js';
import type { CaseRepository } from '../../src/storage/case-repository.js';
import type { ConversationRef } from '../../src/storage/conversation-refs.js';
import type { Logger } from '../../src/log.js';
import { toDeliveryError } from '../../src/bot/delivery.js';

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
  const item = (id: string, kind: OutboxItem['kind'], aad: string): OutboxItem & { etag: string } => ({
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
    etag: `W/"${id}"`,
  });

  function harness() {
    const sent: Array<{ to: string; id: string; at: number }> = [];
    const repo = {
      claimOutbox: async (i: OutboxItem & { etag?: string }) => `${i.etag}-claimed`,
      saveOutbox: async () => undefined,
    } as unknown as CaseRepository;
    const refs = { findByAad: async (aad: string) => ({ conversationId: `conv-${aad}` }) as unknown as ConversationRef };
    const sender = {
      send: async (ref: ConversationRef, msg: OutboundMessage) => {
        sent.push({ to: ref.conversationId, id: String(msg.text), at: Date.now() });
        return { activityId: `a-${sent.length}` };
      },
      update: async () => undefined,
    };
    const render = async (i: OutboxItem) => ({ text: i.id });
    const log = { warn: () => undefined, info: () => undefined } as unknown as Logger;
    const d = new OutboxDispatcher(repo, refs, sender, render, log, () => new Date(), { pollMs: 3_600_000 });
    return { d, sent };
  }
  const written = (...items: Array<OutboxItem & { etag: string }>) => ({ case: { id: items[0].caseId } as CaseRecord, items });

  it('sends a safeguarding alert before the notices already waiting for the same person', async () => {
    const { d, sent } = harness();
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
    // The first notice was already being sent; the alert goes next, ahead of the other four.
    expect(toDev.map((s) => s.id)).toEqual(['notice1', 'alert', 'notice2', 'notice3', 'notice4', 'notice5']);
    // One person's messages stay spaced; another person's receipt does not wait behind them.
    for (let i = 1; i < toDev.length; i++) expect(toDev[i].at - toDev[i - 1].at).toBeGreaterThanOrEqual(140);
    expect(sent.find((s) => s.id === 'receipt')!.at - toDev[0].at).toBeLessThan(100);
  });
});
