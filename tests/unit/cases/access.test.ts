import { describe, expect, it } from 'vitest';
import { canUseTab, canView, visibilityFilter } from '../../../src/domain/cases/access.js';
import { incidentRecipients } from '../../../src/domain/cases/recipients.js';
import { ROLES, type Member, type Role } from '../../../src/domain/directory/directory.js';
import { presentAnswers } from '../../../src/tab-api/vocabulary.js';

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

/** Evaluate a `visibilityFilter` over one index row's flags (the filter only ever uses these two, with and/or). */
function filterAllows(filter: string, row: { safeguarding: boolean; aboutHead: boolean }): boolean {
  const js = filter
    .replace(/\b(aboutHead|safeguarding) eq (true|false)\b/g, (_, f: 'aboutHead' | 'safeguarding', v: string) => String(row[f] === (v === 'true')))
    .replace(/ and /g, ' && ')
    .replace(/ or /g, ' || ');
  expect(js).toMatch(/^[()truefals|& ]+$/);
  return Boolean(new Function(`return ${js};`)());
}

/** Every combination of roles one person can hold (2^7). */
const EVERY_ROLE_SET: Role[][] = Array.from({ length: 1 << ROLES.length }, (_, bits) => ROLES.filter((_r, i) => bits & (1 << i)));
const FOUR = [c(false, false), c(true, false), c(false, true), c(true, true)];

describe('a headteacher who holds other roles too', () => {
  it.each([
    // [who, roles, [ordinary, safeguarding, about head, safeguarding about head]]
    ['head and chair', ['staff', 'slt', 'headteacher', 'chair'], [true, true, false, false]],
    ['head and DSL', ['staff', 'slt', 'headteacher', 'dsl'], [true, true, false, false]],
    ['head and deputy DSL', ['staff', 'headteacher', 'deputyDsl'], [true, true, false, false]],
    ['head, chair and DSL', ['headteacher', 'chair', 'dsl'], [true, true, false, false]],
    ['head and administrator', ['staff', 'slt', 'headteacher', 'admin'], [true, true, false, false]],
    ['head, chair, DSL and administrator', ['staff', 'slt', 'headteacher', 'dsl', 'deputyDsl', 'chair', 'admin'], [true, true, false, false]],
    ['chair and DSL (not the head)', ['chair', 'dsl'], [false, true, true, true]],
    ['chair and SLT (not the head)', ['slt', 'chair'], [true, false, true, true]],
    ['DSL and administrator (not the head)', ['staff', 'dsl', 'admin'], [false, true, false, true]],
  ] as const)('%s sees [ordinary, safeguarding, about head, safeguarding about head] = %o, in the detail and in the list', (_n, roles, expected) => {
    const who = m([...roles]);
    expect(FOUR.map((x) => canView(who, x))).toEqual(expected);
    expect(FOUR.map((x) => filterAllows(visibilityFilter(who), x))).toEqual(expected);
  });

  it('never opens a case about the head to anyone who holds the headteacher role, whatever else they hold', () => {
    for (const roles of EVERY_ROLE_SET.filter((r) => r.includes('headteacher'))) {
      const who = m(roles);
      expect([canView(who, c(false, true)), canView(who, c(true, true))], roles.join(',')).toEqual([false, false]);
      expect(visibilityFilter(who), roles.join(',')).not.toMatch(/aboutHead eq true/);
    }
  });

  it('lists exactly what the detail allows, for every combination of roles', () => {
    for (const roles of EVERY_ROLE_SET) {
      const who = m(roles);
      expect(FOUR.map((x) => filterAllows(visibilityFilter(who), x)), roles.join(',')).toEqual(FOUR.map((x) => canView(who, x)));
    }
  });

  it('alerts about a case about the head exactly the people who may open it (routing and access agree)', () => {
    for (const roles of EVERY_ROLE_SET) {
      const who = m(roles);
      for (const safeguarding of [false, true]) {
        const routing = { safeguarding, aboutHead: true, queue: 'chair' as const, severity: 'medium' as const, reasons: [] };
        const alerted = incidentRecipients(routing, [who], 'someone-else').some((r) => r.kind !== 'receipt');
        expect(alerted, `${roles.join(',')} safeguarding=${safeguarding}`).toBe(canView(who, c(safeguarding, true)));
      }
    }
  });
});

describe('answers shown in the tab', () => {
  it('uses words, not codes, for an account request\'s choices', () => {
    const rows = presentAnswers({ audience: ['families', 'staff'], contributors: ['staff'], openness: 'closed', host: 'school' });
    expect(rows.map((r) => r.value)).toEqual(["Pupils' family members, Staff of the school", 'Staff of the school', 'Private or closed (members only)', 'The school']);
  });
});
