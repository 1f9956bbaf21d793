import { describe, expect, it } from 'vitest';
import { CaseService, NotAllowedError } from '../../../src/domain/cases/case-service.js';
import type { AlertCardUpdates } from '../../../src/domain/cases/alert-card-updates.js';
import type { OutboundMessage, Sender } from '../../../src/domain/cases/outbox-dispatcher.js';
import type { CaseRecord, OutboxItem } from '../../../src/domain/cases/types.js';
import type { Member } from '../../../src/domain/directory/directory.js';
import type { ConversationRef } from '../../../src/storage/conversation-refs.js';
import type { Logger } from '../../../src/log.js';
import { AlertCardUpdater } from '../../../src/teams/alerts/alert-card-updates.js';

const AT = '2026-03-02T09:15:00.000Z';
const member = (aad: string, ...roles: Member['roles']): Member => ({ schoolId: 'w', aadObjectId: aad, name: `Name ${aad}`, roles });
const DEV = member('dev', 'staff', 'dsl');
const RACHEL = member('rachel', 'staff', 'deputyDsl');
const TEACHER = member('teacher', 'staff');

const safeguarding = (id = 'c1'): CaseRecord => ({
  schoolId: 'w',
  id,
  reference: `SM-2026-${id}`,
  kind: 'incident',
  category: 'radicalisation',
  status: 'new',
  routing: { safeguarding: true, aboutHead: false, queue: 'dsl', severity: 'high', reasons: [] },
  submitter: { aadObjectId: 'teacher', name: 'Teacher' },
  answers: {},
  createdAt: AT,
  updatedAt: AT,
});

const alert = (to: Member, o: Partial<OutboxItem> = {}): OutboxItem => ({
  id: `m-${to.aadObjectId}`,
  schoolId: 'w',
  caseId: 'c1',
  kind: 'dslAlert',
  recipient: { aadObjectId: to.aadObjectId, name: to.name },
  payload: {},
  state: 'delivered',
  attempts: 1,
  nextAttemptAt: AT,
  createdAt: AT,
  activityId: `act-${to.aadObjectId}`,
  ...o,
});

/** A case repository holding one case in memory, as much of one as acknowledging uses. */
function repoWith(c: CaseRecord, outbox: OutboxItem[]) {
  let current = c;
  let writes = 0;
  const repo = {
    get: async (_s: string, id: string) => (id === current.id ? { case: current, outbox, events: [], evidence: [], etag: `e${writes}` } : undefined),
    update: async (_s: string, _id: string, _etag: string, change: Partial<CaseRecord>) => {
      writes++;
      current = { ...current, acknowledged: change.acknowledged, status: change.status ?? current.status };
      return current;
    },
  };
  return { repo, writes: () => writes };
}

describe('acknowledging an alert: one domain operation, the cards told once', () => {
  it('tells the alert cards once, with who, where and the delivered alerts; a second acknowledgement tells nothing', async () => {
    const outbox = [alert(DEV), alert(RACHEL)];
    const { repo, writes } = repoWith(safeguarding(), outbox);
    const told: Array<Parameters<AlertCardUpdates['acknowledged']>[0]> = [];
    const cases = new CaseService(repo as never, {} as never, () => new Date(AT), { acknowledged: (e) => void told.push(e) });

    const first = await cases.acknowledgeAlert(RACHEL, 'c1', 'tab');
    expect(first.first).toBe(true);
    expect(told).toEqual([{ case: first.case, outbox, by: { aadObjectId: 'rachel', name: 'Name rachel' }, via: 'tab' }]);
    expect(told[0].case.acknowledged).toEqual({ by: { aadObjectId: 'rachel', name: 'Name rachel' }, at: AT });

    const again = await cases.acknowledgeAlert(DEV, 'c1', 'card');
    expect(again.first).toBe(false);
    expect(told).toHaveLength(1);
    expect(writes()).toBe(1);
  });

  it('tells nothing when the acknowledgement is refused', async () => {
    const { repo, writes } = repoWith(safeguarding(), [alert(DEV)]);
    const told: unknown[] = [];
    const cases = new CaseService(repo as never, {} as never, () => new Date(AT), { acknowledged: (e) => void told.push(e) });
    await expect(cases.acknowledgeAlert(TEACHER, 'c1', 'tab')).rejects.toBeInstanceOf(NotAllowedError);
    expect(told).toEqual([]);
    expect(writes()).toBe(0);
  });
});

describe('updating the DSLs\' alert cards (the Teams edge)', () => {
  function edge(cases: CaseRecord[] = []) {
    const updates: Array<{ to: string; activityId: string; msg: OutboundMessage }> = [];
    const pending: Array<Promise<unknown>> = [];
    const warnings: unknown[] = [];
    const sender: Sender = {
      send: async () => ({ activityId: 'new' }),
      update: async (ref, activityId, msg) => void updates.push({ to: ref.aadObjectId, activityId, msg }),
    };
    const updater = new AlertCardUpdater({
      caseRepo: { get: async (_s, id) => (cases.find((c) => c.id === id) ? ({ case: cases.find((c) => c.id === id)! } as never) : undefined) },
      renderer: { dslAlert: async (c) => ({ card: { contentType: 'application/vnd.microsoft.card.adaptive', content: { id: c.id, ackBy: c.acknowledged?.by.name ?? null } } }) },
      sender,
      refs: { findByAad: async (aad) => (aad === 'gone' ? undefined : ({ aadObjectId: aad } as ConversationRef)) },
      log: { warn: (o: unknown) => void warnings.push(o) } as unknown as Logger,
      track: (p) => void pending.push(p),
    });
    const settle = () => Promise.all(pending);
    return { updater, updates, settle, warnings };
  }
  const acknowledged = (c: CaseRecord): CaseRecord => ({ ...c, acknowledged: { by: { aadObjectId: 'dev', name: 'Dev' }, at: AT } });
  const by = { aadObjectId: 'dev', name: 'Dev' };

  it('on the card: updates every other DSL\'s delivered copy, not the acting DSL\'s (the invoke answered it)', async () => {
    const t = edge();
    const c = acknowledged(safeguarding());
    const outbox = [alert(DEV), alert(RACHEL), alert(member('late', 'dsl'), { state: 'pending', activityId: undefined }), alert(member('gone', 'dsl')), alert(TEACHER, { kind: 'receipt' })];
    t.updater.acknowledged({ case: c, outbox, by, via: 'card' });
    await t.settle();
    expect(t.updates).toEqual([{ to: 'rachel', activityId: 'act-rachel', msg: { card: { contentType: 'application/vnd.microsoft.card.adaptive', content: { id: 'c1', ackBy: 'Dev' } } } }]);
  });

  it('in the tab: updates the acting DSL\'s copy too (no card was pressed)', async () => {
    const t = edge();
    t.updater.acknowledged({ case: acknowledged(safeguarding()), outbox: [alert(DEV), alert(RACHEL)], by, via: 'tab' });
    await t.settle();
    expect(t.updates.map((u) => [u.to, u.activityId]).sort()).toEqual([['dev', 'act-dev'], ['rachel', 'act-rachel']]);
  });

  it('rewrites a message that holds several alerts whole, the acting DSL\'s included, in the order it was sent', async () => {
    const others = [safeguarding('c0'), safeguarding('c2')];
    const t = edge(others);
    const shared = { sharedMessage: ['c0', 'c1', 'c2'] };
    t.updater.acknowledged({ case: acknowledged(safeguarding()), outbox: [alert(DEV, shared), alert(RACHEL, shared)], by, via: 'card' });
    await t.settle();
    expect(t.updates).toHaveLength(2);
    for (const u of t.updates) expect(u.msg.cards!.map((x) => x.content)).toEqual([{ id: 'c0', ackBy: null }, { id: 'c1', ackBy: 'Dev' }, { id: 'c2', ackBy: null }]);
  });

  it('logs ids only when an update fails, and still updates the rest', async () => {
    const t = edge();
    let calls = 0;
    const failing = new AlertCardUpdater({
      caseRepo: { get: async () => undefined },
      renderer: { dslAlert: async () => ({ text: 'x' }) },
      sender: {
        send: async () => ({ activityId: 'x' }),
        update: async (ref) => {
          calls++;
          if (ref.aadObjectId === 'dev') throw Object.assign(new Error('Secret text'), { name: 'RestError' });
        },
      },
      refs: { findByAad: async (aad) => ({ aadObjectId: aad }) as ConversationRef },
      log: { warn: (o: unknown) => void t.warnings.push(o) } as unknown as Logger,
      track: (p) => void p.then(() => undefined),
    });
    failing.acknowledged({ case: acknowledged(safeguarding()), outbox: [alert(DEV), alert(RACHEL)], by, via: 'tab' });
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(2);
    expect(t.warnings).toEqual([{ caseId: 'c1', outboxId: 'm-dev', errorName: 'RestError' }]);
  });
});
