import { describe, expect, it } from 'vitest';
import { DeliveryError, OutboxDispatcher, type OutboundMessage } from '../../../src/domain/cases/outbox-dispatcher.js';
import type { CaseRecord, OutboxItem } from '../../../src/domain/cases/types.js';
import type { ConversationRef } from '../../../src/domain/cases/ports.js';
import type { Logger } from '../../../src/log.js';
import { ROLLOUT_KINDS } from '../../../src/domain/rollout/rollout.js';
import { MemoryOutboxStore } from '../../support/memory-outbox-store.js';

/** The dispatcher's share for rollouts: one budget for the whole app, paused as a whole by a 429, held out of hours. */
const item = (n: number, kind: OutboxItem['kind'] = 'policyRollout'): OutboxItem => ({
  id: `m${n}`,
  schoolId: 'westbrook',
  caseId: 'pr-000001',
  kind,
  recipient: { aadObjectId: `p${n}`, name: `P${n}` },
  payload: { version: 1 },
  state: 'pending',
  attempts: 0,
  nextAttemptAt: '2000-01-01T00:00:00.000Z',
  createdAt: '2000-01-01T00:00:00.000Z',
});

function harness(opts: { perSecond: number; concurrency?: number; fail?: (n: number) => DeliveryError | undefined; holdUntil?: (i: OutboxItem) => string | undefined }) {
  const store = new MemoryOutboxStore();
  const starts: Array<{ id: string; at: number; ok: boolean }> = [];
  let calls = 0;
  const sender = {
    send: async (_ref: ConversationRef, msg: OutboundMessage) => {
      const err = opts.fail?.(calls++);
      starts.push({ id: String(msg.text), at: performance.now(), ok: !err });
      if (err) throw err;
      return { activityId: 'a' };
    },
    update: async () => undefined,
  };
  const refs = { findByAad: async (aad: string) => ({ conversationId: `c-${aad}` }) as unknown as ConversationRef };
  const render = async (i: OutboxItem) => ({ text: i.id });
  const log = { warn: () => undefined, info: () => undefined } as unknown as Logger;
  const d = new OutboxDispatcher(store, refs, sender, render, log, () => new Date(), {
    pollMs: 3_600_000,
    concurrency: opts.concurrency ?? 8,
    bulk: { kinds: ROLLOUT_KINDS, perSecond: opts.perSecond },
    holdUntil: async (i) => opts.holdUntil?.(i),
  });
  const queue = (items: OutboxItem[]) => store.write({ schoolId: 'westbrook', id: 'pr-000001' } as CaseRecord, items, '2000-01-01T00:00:00.000Z');
  return { d, store, starts, queue };
}

describe('rollout messages in the outbox', () => {
  it('go no faster than the budget, across all conversations together', async () => {
    const { d, starts, queue } = harness({ perSecond: 50 });
    queue(Array.from({ length: 20 }, (_, n) => item(n)));
    expect(await d.runOnce()).toBe(20);
    expect(starts).toHaveLength(20);
    const spread = starts[19].at - starts[0].at;
    // 20 sends at 50 a second take at least 19 gaps of 20 ms, whatever the concurrency.
    expect(spread).toBeGreaterThanOrEqual(19 * 20 * 0.9);
  });

  it('a 429 with Retry-After pauses every rollout send, not only the throttled one', async () => {
    const throttled = new DeliveryError('throttled', true, 400, 429);
    // Slots 1 ms apart: the other cards are waiting for theirs when the 429 comes back.
    const { d, starts, queue, store } = harness({ perSecond: 1000, concurrency: 1, fail: (n) => (n === 0 ? throttled : undefined) });
    queue(Array.from({ length: 6 }, (_, n) => item(n)));
    await d.runOnce();
    const failedAt = starts.find((s) => !s.ok)!.at;
    const after = starts.filter((s) => s.ok && s.at > failedAt);
    expect(after).toHaveLength(5);
    // None started inside the pause (the next person's card waited too).
    expect(Math.min(...after.map((s) => s.at - failedAt))).toBeGreaterThanOrEqual(380);
    const retry = store.saved.find((s) => s.id === 'm0' && s.state === 'pending')!;
    expect(retry.lastStatus).toBe(429);
  });

  it('workers already waiting for their slot when the 429 comes wait for the pause too (no storm of 429s)', async () => {
    const throttled = new DeliveryError('throttled', true, 400, 429);
    const { d, starts, queue } = harness({ perSecond: 20, concurrency: 8, fail: (n) => (n === 0 ? throttled : undefined) });
    queue(Array.from({ length: 10 }, (_, n) => item(n)));
    await d.runOnce();
    const failedAt = starts.find((s) => !s.ok)!.at;
    const after = starts.filter((s) => s.ok);
    expect(after).toHaveLength(9);
    expect(Math.min(...after.map((s) => s.at - failedAt))).toBeGreaterThanOrEqual(380);
  });

  it('outside the school hours a message is held until they start, with no attempt counted', async () => {
    const opening = new Date(Date.now() + 3_600_000).toISOString();
    const { d, starts, queue, store } = harness({ perSecond: 1000, holdUntil: (i) => (i.id === 'm1' ? opening : undefined) });
    queue([item(0), item(1)]);
    await d.runOnce();
    expect(starts.map((s) => s.id)).toEqual(['m0']);
    const held = store.saved.find((s) => s.id === 'm1')!;
    expect(held).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: opening });
    expect((await store.pendingPointers(10, undefined, new Date().toISOString())).map((p) => p.outboxId)).toEqual([]);
    await d.stop();
  });

  it('other messages are not held back by the rollout budget', async () => {
    const { d, starts, queue } = harness({ perSecond: 1 });
    queue([item(0, 'receipt'), item(1, 'receipt'), item(2, 'receipt')]);
    const t = performance.now();
    await d.runOnce();
    expect(starts).toHaveLength(3);
    expect(performance.now() - t).toBeLessThan(900);
  });
});
