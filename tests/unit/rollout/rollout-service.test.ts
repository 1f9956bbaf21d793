import { describe, expect, it } from 'vitest';
import { RolloutRefusedError, RolloutService } from '../../../src/domain/rollout/rollout-service.js';
import { messageIds } from '../../../src/domain/rollout/rollout.js';
import { withinHours } from '../../../src/domain/rollout/school-hours.js';
import type { Member } from '../../../src/domain/directory/directory.js';
import type { PolicyProfile } from '../../../src/domain/policy/profile.js';
import { MemoryRolloutStore } from '../../support/memory-rollout-store.js';
import { profileById } from '../policy/seeds.js';

const SCHOOL = 'newall-green';
const member = (i: number, roles: Member['roles'] = ['staff'], lineManager?: string): Member => ({
  schoolId: SCHOOL,
  aadObjectId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `Person ${i}`,
  roles,
  ...(lineManager ? { lineManager } : {}),
});

function setup(n = 20) {
  const head = member(1, ['staff', 'headteacher']);
  const admin = member(2, ['staff', 'admin']);
  const manager = member(3, ['staff', 'slt']);
  const members: Member[] = [head, admin, manager, ...Array.from({ length: n - 3 }, (_, i) => member(i + 4, ['staff'], i % 2 ? manager.aadObjectId : undefined))];
  const profile = profileById(SCHOOL) as PolicyProfile;
  const store = new MemoryRolloutStore();
  let now = new Date('2026-12-03T10:00:00Z'); // a Thursday, school open
  let kicks = 0;
  const svc = new RolloutService({
    store,
    directory: {
      members: async () => members,
      member: async (_s, aad) => members.find((m) => m.aadObjectId === aad),
      withRole: async (_s, ...roles) => members.filter((m) => m.roles.some((r) => roles.includes(r))),
      schools: async () => [{ id: SCHOOL }],
    },
    policies: { current: async () => ({ version: profile.version }), profileVersion: async (_s, v) => (v === profile.version ? profile : undefined), versions: async () => [{ version: profile.version }] },
    clock: () => now,
    kick: () => kicks++,
  });
  return { svc, store, members, head, admin, manager, profile, setNow: (d: Date) => (now = d), kicks: () => kicks };
}

const perPerson = (store: MemoryRolloutStore) => {
  const counts = new Map<string, { card: number; reminders: number; notes: number }>();
  for (const r of store.rows.values()) {
    const c = counts.get(r.recipient.aadObjectId) ?? { card: 0, reminders: 0, notes: 0 };
    if (r.kind === 'policyRollout') c.card++;
    else if (r.kind === 'policyReminder') c.reminders++;
    else c.notes++;
    counts.set(r.recipient.aadObjectId, c);
  }
  return counts;
};

describe('rollout', () => {
  it('only an administrator sends the policy to all staff', async () => {
    const { svc, head } = setup();
    await expect(svc.rollOut(head)).rejects.toBeInstanceOf(RolloutRefusedError);
  });

  it('every member gets one card; a second rollout sends none again, but retries those it could not reach', async () => {
    const { svc, store, admin, members, kicks } = setup();
    const first = await svc.rollOut(admin);
    expect(first).toMatchObject({ queued: members.length, resent: 0, alreadyHad: 0 });
    expect(kicks()).toBe(1);
    // Two people have no chat with the app.
    store.deliverDue(new Date('2026-12-03T10:01:00Z'), 'unreachable', (r) => r.recipient.aadObjectId === members[5].aadObjectId || r.recipient.aadObjectId === members[6].aadObjectId);
    store.deliverDue(new Date('2026-12-03T10:01:00Z'));
    const second = await svc.rollOut(admin);
    expect(second).toMatchObject({ queued: 0, resent: 2, alreadyHad: members.length - 2 });
    expect([...perPerson(store).values()].every((c) => c.card === 1)).toBe(true);
  });

  it('a rollout asked for out of hours waits for the school to open', async () => {
    const { svc, store, admin, setNow } = setup();
    setNow(new Date('2026-12-04T18:00:00Z')); // Friday evening
    const r = await svc.rollOut(admin);
    expect(r.from).toBe('2026-12-07T08:30:00.000Z');
    expect([...store.rows.values()].every((m) => m.nextAttemptAt === '2026-12-07T08:30:00.000Z')).toBe(true);
  });

  it('over four weeks of sweeps: at most one card and two reminders per person, one note, nothing out of hours', async () => {
    const { svc, store, admin, manager, head, members, profile, setNow } = setup(30);
    await svc.rollOut(admin);
    store.deliverDue(new Date('2026-12-03T10:00:30Z'));
    // Half acknowledge at once.
    for (const m of members.slice(0, 15)) await svc.acknowledge(SCHOOL, profile.version, m, false);
    // Sweep every hour for four weeks, day and night; deliver what is due after each sweep.
    for (let t = Date.parse('2026-12-03T11:00:00Z'); t < Date.parse('2026-12-31T00:00:00Z'); t += 3_600_000) {
      const now = new Date(t);
      setNow(now);
      const before = store.rows.size;
      await svc.sweep();
      if (!withinHours(profile.rollout!.hours, now)) expect(store.rows.size, `queued at ${now.toISOString()}`).toBe(before);
      store.deliverDue(now);
    }
    const counts = perPerson(store);
    for (const m of members) {
      const c = counts.get(m.aadObjectId)!;
      expect(c.card).toBe(1);
      expect(c.reminders).toBeLessThanOrEqual(2);
      if (members.indexOf(m) < 15) expect(c.reminders).toBe(0);
      else expect(c.reminders).toBe(2);
    }
    // The note: the line manager for the people they manage, the head for the rest; one note each (one day).
    const notes = [...store.rows.values()].filter((r) => r.kind === 'policyNote');
    expect(notes.map((n) => n.recipient.aadObjectId).sort()).toEqual([manager.aadObjectId, head.aadObjectId].sort());
    expect(notes.reduce((a, n) => a + Number(n.payload.count), 0)).toBe(15);
    const register = await svc.register(admin);
    expect(register.counts).toMatchObject({ acknowledged: 15, awaiting: 15, total: 30 });
    expect(register.rows.filter((r) => r.notedAt).length).toBe(15);
  });

  it('a new starter gets the current version with their school’s checklist, and must confirm it', async () => {
    const { svc, store, profile } = setup();
    const starter = member(99);
    expect(await svc.newStarter(starter)).toBe(true);
    expect(await svc.newStarter(starter)).toBe(false); // one card per version
    const card = store.rows.get(`${SCHOOL}|pr-${String(profile.version).padStart(6, '0')}|${messageIds.card(starter.aadObjectId)}`)!;
    expect(card.payload).toMatchObject({ newStarter: true });
    // Held for the few seconds the new conversation takes to be saved.
    expect(Date.parse(card.nextAttemptAt)).toBeGreaterThan(Date.parse('2026-12-03T10:00:00Z'));
    await expect(svc.acknowledge(SCHOOL, profile.version, starter, false)).rejects.toThrow(/checklist/);
    const { record, first } = await svc.acknowledge(SCHOOL, profile.version, starter, true);
    expect(first).toBe(true);
    expect(record.checklistConfirmed).toBe(true);
    expect((await svc.acknowledge(SCHOOL, profile.version, starter, true)).first).toBe(false);
  });

  it('the register is for administrators and the head only', async () => {
    const { svc, members, head } = setup();
    await expect(svc.register(members[5])).rejects.toBeInstanceOf(RolloutRefusedError);
    await expect(svc.register(head)).resolves.toMatchObject({ counts: { notSent: 20, total: 20 } });
  });
});

describe('what changed, since the version each person last acknowledged', () => {
  it('lists the changes of every version after the last one they acknowledged', async () => {
    const v1 = profileById(SCHOOL) as PolicyProfile;
    const v2: PolicyProfile = { ...v1, version: 2, rollout: { ...v1.rollout!, whatChanged: ['Change two.'] } };
    const v3: PolicyProfile = { ...v1, version: 3, rollout: { ...v1.rollout!, whatChanged: ['Change three.'] } };
    const versions = new Map([v1, v2, v3].map((p) => [p.version, p]));
    const store = new MemoryRolloutStore();
    const svc = new RolloutService({
      store,
      directory: { members: async () => [], member: async () => undefined, withRole: async () => [], schools: async () => [{ id: SCHOOL }] },
      policies: { current: async () => ({ version: 3 }), profileVersion: async (_s, v) => versions.get(v), versions: async () => [3, 2, 1].map((version) => ({ version })) },
      clock: () => new Date('2026-12-03T10:00:00Z'),
      kick: () => undefined,
    });
    const [readOne, readTwo, readNone] = [member(10), member(11), member(12)];
    await store.savePerson({ schoolId: SCHOOL, version: 1, aadObjectId: readOne.aadObjectId, name: readOne.name, acknowledgedAt: '2026-01-01T00:00:00Z' });
    await store.savePerson({ schoolId: SCHOOL, version: 2, aadObjectId: readTwo.aadObjectId, name: readTwo.name, acknowledgedAt: '2026-06-01T00:00:00Z' });
    expect(await svc.changesFor(SCHOOL, 3, readOne.aadObjectId)).toEqual(['Change two.', 'Change three.']);
    expect(await svc.changesFor(SCHOOL, 3, readTwo.aadObjectId)).toEqual(['Change three.']);
    expect(await svc.changesFor(SCHOOL, 3, readNone.aadObjectId)).toEqual(['Change three.']);
  });
});
