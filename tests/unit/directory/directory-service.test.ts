import { describe, expect, it } from 'vitest';
import type { TurnContext } from 'botbuilder';
import { DirectoryService, type DirectoryStore } from '../../../src/domain/directory/directory-service.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import { staffSearchHandler } from '../../../src/teams/account-requests/account-request-actions.js';
import { schoolMembers, trustSchools } from '../../support/large-directory.js';
import { TENANT } from '../../support/activities.js';

/** The directory in memory, counting what each read would cost in Table storage. */
class CountingStore implements DirectoryStore {
  calls = { listSchools: 0, getSchool: 0, getMember: 0, listMembers: 0, schoolsOf: 0, saveMember: 0 };
  constructor(
    readonly schools: School[],
    readonly members: Map<string, Member[]>,
  ) {}
  async listSchools() {
    this.calls.listSchools++;
    return this.schools;
  }
  async getSchool(id: string) {
    this.calls.getSchool++;
    return this.schools.find((s) => s.id === id);
  }
  async getMember(schoolId: string, aad: string) {
    this.calls.getMember++;
    return this.members.get(schoolId)?.find((m) => m.aadObjectId === aad);
  }
  async listMembers(schoolId: string) {
    this.calls.listMembers++;
    return this.members.get(schoolId) ?? [];
  }
  async schoolsOf(aad: string) {
    this.calls.schoolsOf++;
    return [...this.members].filter(([, ms]) => ms.some((m) => m.aadObjectId === aad)).map(([id]) => id);
  }
  async saveMember(m: Member) {
    this.calls.saveMember++;
    this.members.set(m.schoolId, [...(this.members.get(m.schoolId) ?? []).filter((x) => x.aadObjectId !== m.aadObjectId), m]);
  }
}

const SCHOOLS = trustSchools(50);
function trust(schools = 50, staff = 1500) {
  return new CountingStore(SCHOOLS.slice(0, schools), new Map(SCHOOLS.slice(0, schools).map((s, n) => [s.id, schoolMembers(s.id, staff, n)])));
}

describe('DirectoryService at trust scale (50 schools × 1,500 staff)', () => {
  it('resolves who is speaking by their index row and a point read, without loading their school, then from the cache', async () => {
    const store = trust();
    const dir = new DirectoryService(store);
    const person = store.members.get('school-17')![321];
    const r = await dir.resolve(person.aadObjectId, { tenantId: TENANT });
    expect(r).toMatchObject({ kind: 'member', school: { id: 'school-17' }, member: { aadObjectId: person.aadObjectId } });
    expect(store.calls).toMatchObject({ listSchools: 1, schoolsOf: 1, getMember: 1, listMembers: 0 });
    await dir.resolve(person.aadObjectId, { tenantId: TENANT });
    expect(store.calls).toMatchObject({ listSchools: 1, schoolsOf: 1, getMember: 1, listMembers: 0 });
    expect(dir.cachedMembers).toBe(0);
  });

  it('keeps member lists within its budget, the least recently used school going first', async () => {
    const store = trust(10, 1500);
    const dir = new DirectoryService(store, Date.now, 30_000, 4_000);
    for (const s of ['school-01', 'school-02', 'school-01', 'school-03']) await dir.members(s);
    // 4,000 members hold two schools of 1,500: school-02 was used least recently.
    expect(dir.cachedMembers).toBe(3_000);
    expect(store.calls.listMembers).toBe(3);
    await dir.members('school-01');
    await dir.members('school-03');
    expect(store.calls.listMembers).toBe(3);
    await dir.members('school-02');
    expect(store.calls.listMembers).toBe(4);
    expect(dir.cachedMembers).toBeLessThanOrEqual(4_000);
  });

  it('loads a school once when many turns ask for it at the same moment', async () => {
    const store = trust(2);
    const dir = new DirectoryService(store);
    const lists = await Promise.all(Array.from({ length: 20 }, () => dir.members('school-02')));
    expect(new Set(lists).size).toBe(1);
    expect(store.calls.listMembers).toBe(1);
  });

  it("finds the tab caller's schools from their index rows, not by looking in all 50", async () => {
    const store = trust();
    const twoSchools = store.members.get('school-05')![40];
    store.members.get('school-44')!.push({ ...twoSchools, schoolId: 'school-44', roles: ['staff', 'slt'] });
    const dir = new DirectoryService(store);
    const m = await dir.memberships(twoSchools.aadObjectId);
    expect(m.map((x) => [x.school.id, x.member.roles])).toEqual([
      ['school-05', twoSchools.roles],
      ['school-44', ['staff', 'slt']],
    ]);
    expect(store.calls).toMatchObject({ schoolsOf: 1, getMember: 2, listMembers: 0 });
  });

  it('searches a school\'s staff by name, job title or email, a page at a time, one list load for every keystroke', async () => {
    const store = trust(3);
    const dir = new DirectoryService(store);
    const all = await dir.searchStaff('school-02', 'eleanor', { skip: 0, top: 1000 });
    expect(all.length).toBeGreaterThan(30);
    expect(all.every((m) => m.name.toLowerCase().includes('eleanor') && m.schoolId === 'school-02')).toBe(true);
    const p1 = await dir.searchStaff('school-02', 'ELEANOR', { skip: 0, top: 15 });
    const p2 = await dir.searchStaff('school-02', 'eleanor', { skip: 15, top: 15 });
    expect(p1.concat(p2).map((m) => m.aadObjectId)).toEqual(all.slice(0, 30).map((m) => m.aadObjectId));
    expect((await dir.searchStaff('school-02', 'examinations officer', { skip: 0, top: 15 })).every((m) => m.jobTitle === 'Examinations officer')).toBe(true);
    expect(await dir.searchStaff('school-02', '@school-02.example.sch.uk', { skip: 0, top: 5 })).toHaveLength(5);
    // The chair of governors is not staff: never offered.
    const chair = store.members.get('school-02')!.at(-1)!;
    expect(await dir.searchStaff('school-02', chair.email!, { skip: 0, top: 15 })).toEqual([]);
    expect(store.calls.listMembers).toBe(1);
  });

  it('searches a list past its time at once, and reloads it behind the answer', async () => {
    const store = trust(1, 300);
    let now = 0;
    const dir = new DirectoryService(store, () => now, 30_000);
    await dir.searchStaff('school-01', 'a', { skip: 0, top: 1 });
    store.members.get('school-01')!.push({ schoolId: 'school-01', aadObjectId: 'new-teacher', name: 'Zebedee Newcomer', roles: ['staff'] });
    now = 31_000;
    expect(await dir.searchStaff('school-01', 'zebedee', { skip: 0, top: 15 })).toEqual([]);
    expect(store.calls.listMembers).toBe(2);
    await new Promise((r) => setTimeout(r, 0));
    expect((await dir.searchStaff('school-01', 'zebedee', { skip: 0, top: 15 })).map((m) => m.aadObjectId)).toEqual(['new-teacher']);
    expect(store.calls.listMembers).toBe(2);
  });
});

describe('DirectoryService: writing a member', () => {
  it('saves a role change and drops its cache, so this instance sees it at once', async () => {
    const store = trust(2, 40);
    const dir = new DirectoryService(store);
    const teacher = store.members.get('school-02')![30];
    // Cached: the person by a point read, then the school's list with its DSLs, and another school's list.
    expect((await dir.member('school-02', teacher.aadObjectId))?.roles).toEqual(['staff']);
    expect((await dir.withRole('school-02', 'dsl')).map((m) => m.aadObjectId)).not.toContain(teacher.aadObjectId);
    await dir.members('school-01');
    const loads = store.calls.listMembers;

    await dir.saveMember({ ...teacher, roles: ['staff', 'dsl'] });
    expect(store.calls.saveMember).toBe(1);
    expect((await dir.member('school-02', teacher.aadObjectId))?.roles).toEqual(['staff', 'dsl']);
    expect((await dir.withRole('school-02', 'dsl')).map((m) => m.aadObjectId)).toContain(teacher.aadObjectId);
    expect(store.calls.listMembers).toBe(loads + 1);
    // Everything is read afresh, other schools too (a change written straight to storage shows with it).
    await dir.members('school-01');
    expect(store.calls.listMembers).toBe(loads + 2);
  });

  it('saves a new member, who is then found in the school and among their schools', async () => {
    const store = trust(2, 40);
    const dir = new DirectoryService(store);
    const aad = '0000abcd-0000-4000-8000-000000000001';
    expect(await dir.member('school-02', aad)).toBeUndefined();
    expect(await dir.memberships(aad)).toEqual([]);
    await dir.members('school-02');

    await dir.saveMember({ schoolId: 'school-02', aadObjectId: aad, name: 'New Governor', roles: ['chair'] });
    expect(await dir.member('school-02', aad)).toMatchObject({ name: 'New Governor', roles: ['chair'] });
    expect((await dir.withRole('school-02', 'chair')).map((m) => m.aadObjectId)).toContain(aad);
    expect((await dir.memberships(aad)).map((x) => x.school.id)).toEqual(['school-02']);
  });

  it('reads a member past the cache for a change that reads, then writes them', async () => {
    const store = trust(1, 20);
    const dir = new DirectoryService(store);
    const m = store.members.get('school-01')![5];
    await dir.member('school-01', m.aadObjectId);
    const reads = store.calls.getMember;
    expect(await dir.storedMember('school-01', m.aadObjectId)).toEqual(m);
    expect(store.calls.getMember).toBe(reads + 1);
  });
});

describe('the people picker search (application/search)', () => {
  const store = trust(3);
  const dir = new DirectoryService(store);
  const search = staffSearchHandler({ directory: dir });
  const asker = store.members.get('school-01')![200];
  const ctx = (aad: string) => ({ activity: { from: { aadObjectId: aad } } }) as unknown as TurnContext;

  it('answers a member of the school with at most 15 of its staff, names and job titles, ids as values', async () => {
    const r = await search(ctx(asker.aadObjectId), { queryText: 'a', dataset: 'staff.school-01', skip: 0, top: 50 });
    expect(r.statusCode).toBe(200);
    const results = (r.value as { results: Array<{ title: string; value: string }> }).results;
    expect(results).toHaveLength(15);
    const ids = new Set(store.members.get('school-01')!.map((m) => m.aadObjectId));
    expect(results.every((x) => ids.has(x.value) && / \(.+\)$/.test(x.title))).toBe(true);
  });

  it("refuses anyone who is not in that school's directory, and a damaged dataset", async () => {
    for (const [aad, dataset] of [
      [asker.aadObjectId, 'staff.school-02'],
      ['someone-else', 'staff.school-01'],
      [asker.aadObjectId, "staff.school-01' or 1"],
    ]) {
      const r = await search(ctx(aad), { queryText: 'a', dataset, skip: 0, top: 15 });
      expect(r.statusCode, `${aad} ${dataset}`).toBe(400);
      expect(JSON.stringify(r.value)).toContain('only the staff of your own school');
    }
  });
});
