import { describe, expect, it } from 'vitest';
import { validateSeed, type Member, type Role } from '../../../src/domain/directory/directory.js';
import { canSeeRoleChanges, RoleChangeRefusedError, RoleChangeService, type RoleChange, type RoleChangeStore } from '../../../src/domain/directory/role-changes.js';

const m = (id: string, ...roles: Role[]): Member => ({ schoolId: 'w', aadObjectId: id, name: id, roles });
const AT = new Date('2026-03-02T09:15:00Z');

/** The service over an in-memory directory and trail, as the tab's Settings use it. */
function setup(...members: Member[]) {
  const dir = new Map(members.map((x) => [x.aadObjectId, x]));
  const trail: RoleChange[] = [];
  // Every write goes through the directory's saveMember, which keeps its cache right (directory-service.test.ts).
  let saved = 0;
  const store: RoleChangeStore = {
    record: async (c) => void trail.push(c),
    list: async (_s, limit) => [...trail].reverse().slice(0, limit),
  };
  const service = new RoleChangeService(
    {
      storedMember: async (_s, aad) => dir.get(aad),
      saveMember: async (x) => {
        saved++;
        dir.set(x.aadObjectId, x);
      },
    },
    store,
    () => AT,
  );
  return { service, dir, trail, saved: () => saved };
}

const admin = m('admin', 'staff', 'slt', 'admin');
const headAdmin = m('head', 'staff', 'slt', 'headteacher', 'admin');
const teacher = m('teacher', 'staff');
const head = m('head2', 'staff', 'slt', 'headteacher');

describe('role changes in Settings', () => {
  it.each([
    // [what, actor, member, new roles, refused because]
    ['an administrator makes themselves chair', admin, 'admin', ['staff', 'slt', 'chair', 'admin'], /cannot change your own roles/],
    ['an administrator makes themselves DSL', admin, 'admin', ['staff', 'slt', 'dsl', 'admin'], /cannot change your own roles/],
    ['an administrator removes their own administrator role', admin, 'admin', ['staff', 'slt'], /cannot change your own roles/],
    ['a head who is an administrator makes themselves chair', headAdmin, 'head', ['staff', 'slt', 'headteacher', 'chair', 'admin'], /cannot change your own roles/],
    ['a head who is an administrator makes themselves deputy DSL', headAdmin, 'head', ['staff', 'slt', 'headteacher', 'deputyDsl', 'admin'], /cannot change your own roles/],
    ['an administrator makes the head chair too', admin, 'head2', ['staff', 'slt', 'headteacher', 'chair'], /both the headteacher and the chair of governors/],
    ['an administrator makes a teacher head and chair', admin, 'teacher', ['headteacher', 'chair'], /both the headteacher and the chair of governors/],
  ] as const)('refuses: %s; nothing is changed or recorded', async (_what, actor, memberAad, roles, because) => {
    const t = setup(admin, headAdmin, teacher, head);
    const before = structuredClone([...t.dir.values()]);
    const attempt = t.service.changeRoles(actor, memberAad, [...roles]);
    await expect(attempt).rejects.toBeInstanceOf(RoleChangeRefusedError);
    await expect(attempt).rejects.toThrow(because);
    expect([...t.dir.values()]).toEqual(before);
    expect(t.trail).toEqual([]);
    expect(t.saved()).toBe(0);
  });

  it.each([
    // [what, actor, member, new roles]
    ['an administrator makes a teacher DSL', admin, 'teacher', ['staff', 'dsl']],
    ['a head who is an administrator makes a teacher chair', headAdmin, 'teacher', ['chair']],
    ['an administrator gives the administrator role to the head', admin, 'head2', ['staff', 'slt', 'headteacher', 'admin']],
    ['an administrator takes the headteacher role away', admin, 'head2', ['staff', 'slt']],
    ['a head who is an administrator takes another administrator\'s role away', headAdmin, 'admin', ['staff', 'slt']],
  ] as const)('records: %s (actor, member, before, after, time), then changes the directory', async (_what, actor, memberAad, roles) => {
    const t = setup(admin, headAdmin, teacher, head);
    const was = t.dir.get(memberAad)!.roles;
    const updated = await t.service.changeRoles(actor, memberAad, [...roles]);
    expect(updated?.roles).toEqual(roles);
    expect(t.dir.get(memberAad)!.roles).toEqual(roles);
    expect(t.trail).toEqual([{ schoolId: 'w', at: AT.toISOString(), actorAad: actor.aadObjectId, memberAad, kind: 'changed', before: was, after: roles }]);
    expect(t.saved()).toBe(1);
  });

  it('records nothing when the roles are the same, and nothing for a member who does not exist', async () => {
    const t = setup(admin, teacher);
    expect(await t.service.changeRoles(admin, 'teacher', ['staff'])).toEqual(teacher);
    expect(await t.service.changeRoles(admin, 'nobody', ['staff', 'dsl'])).toBeUndefined();
    expect(t.trail).toEqual([]);
    expect(t.dir.has('nobody')).toBe(false);
  });

  it('records a new member with their roles; refuses a new member who would be head and chair', async () => {
    const t = setup(admin);
    const added = await t.service.addMember(admin, { aadObjectId: 'gov', name: 'New Governor', roles: ['chair'] });
    expect(added).toMatchObject({ schoolId: 'w', aadObjectId: 'gov', roles: ['chair'] });
    expect(t.trail).toEqual([{ schoolId: 'w', at: AT.toISOString(), actorAad: 'admin', memberAad: 'gov', kind: 'added', before: [], after: ['chair'] }]);
    await expect(t.service.addMember(admin, { aadObjectId: 'x', name: 'X', roles: ['headteacher', 'chair'] })).rejects.toThrow(/both the headteacher and the chair/);
    await expect(t.service.addMember(admin, { aadObjectId: 'gov', name: 'Again', roles: ['staff'] })).rejects.toThrow(/already a member/);
    expect(t.trail).toHaveLength(1);
    expect(t.dir.has('x')).toBe(false);
  });
});

describe('who may read the role-change trail', () => {
  it.each([
    [['staff'], false],
    [['staff', 'slt'], false],
    [['staff', 'slt', 'headteacher'], false],
    [['staff', 'slt', 'headteacher', 'dsl'], false],
    [['headteacher', 'chair'], false],
    [['staff', 'slt', 'headteacher', 'admin'], true],
    [['staff', 'admin'], true],
    [['chair'], true],
    [['staff', 'dsl'], true],
    [['staff', 'deputyDsl'], true],
  ] as const)('%o → %s', (roles, expected) => {
    expect(canSeeRoleChanges(m('x', ...roles))).toBe(expected);
  });
});

describe('the seed file', () => {
  it('refuses a person who is both headteacher and chair, and names them', () => {
    const seed = (roles: Role[]) => ({ schools: [{ id: 'w1', name: 'W', tenantId: '00000000-0000-4000-8000-00000000a001', referencePrefix: 'W', headTitle: 'Headteacher', members: [{ aadObjectId: 'a', name: 'A', roles }] }] });
    expect(validateSeed(seed(['staff', 'headteacher']))).toEqual([]);
    expect(validateSeed(seed(['chair']))).toEqual([]);
    expect(validateSeed(seed(['staff', 'slt', 'headteacher', 'chair']))).toEqual([
      'schools[0].members[0].roles: One person cannot be both the headteacher and the chair of governors: concerns about the headteacher go to the chair.',
    ]);
  });
});
