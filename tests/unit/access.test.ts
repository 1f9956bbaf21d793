import { describe, expect, it } from 'vitest';
import { canUseTab, canView, visibilityFilter } from '../../src/domain/cases/access.js';
import type { Member, Role } from '../../src/domain/directory.js';
import { presentAnswers } from '../../src/tab-api/vocabulary.js';

const m = (roles: Role[], schoolId = 'w'): Member => ({ schoolId, aadObjectId: roles.join('-'), name: 'x', roles });
const staff = m(['staff']);
const slt = m(['staff', 'slt']);
const head = m(['staff', 'slt', 'headteacher']);
const dsl = m(['staff', 'slt', 'dsl']);
const deputyDslOnly = m(['staff', 'deputyDsl']);
const chair = m(['chair']);
const c = (safeguarding: boolean, aboutHead: boolean, schoolId = 'w') => ({ safeguarding, aboutHead, kind: 'incident' as const, submitterAad: 'z', schoolId });

describe('need-to-know', () => {
  it.each([
    ['staff', staff, [false, false, false, false]],
    ['slt', slt, [true, false, false, false]],
    ['head', head, [true, true, false, false]],
    ['dsl', dsl, [true, true, false, true]],
    ['deputy DSL', deputyDslOnly, [false, true, false, true]],
    ['chair', chair, [false, false, true, true]],
  ] as const)('%s sees [ordinary, safeguarding, about head, safeguarding about head] = %o', (_n, who, expected) => {
    expect([canView(who, c(false, false)), canView(who, c(true, false)), canView(who, c(false, true)), canView(who, c(true, true))]).toEqual(expected);
  });

  it('hides another school\'s case from everyone', () => {
    for (const who of [slt, head, dsl, chair]) expect(canView(who, c(false, false, 'other'))).toBe(false);
  });

  it('lets only SLT, DSLs and the chair use the tab', () => {
    expect([staff, slt, head, dsl, deputyDslOnly, chair].map(canUseTab)).toEqual([false, true, true, true, true, true]);
  });

  it('turns the same rule into an OData filter (staff get none)', () => {
    expect(visibilityFilter(staff)).toBe('false');
    expect(visibilityFilter(head)).not.toContain('aboutHead eq true');
    expect(visibilityFilter(chair)).toBe('(aboutHead eq true)');
  });
});

describe('answers shown in the tab', () => {
  it('uses words, not codes, for an account request\'s choices', () => {
    const rows = presentAnswers({ audience: ['families', 'staff'], contributors: ['staff'], openness: 'closed', host: 'school' });
    expect(rows.map((r) => r.value)).toEqual(["Pupils' family members, Staff of the school", 'Staff of the school', 'Private or closed (members only)', 'The school']);
  });
});
