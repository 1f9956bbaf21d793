import { describe, expect, it } from 'vitest';
import { canUseTab, canView, visibilityFilter } from '../../../src/domain/cases/access.js';
import { incidentRecipients } from '../../../src/domain/cases/recipients.js';
import { ROLES, type Member, type Role } from '../../../src/domain/directory/directory.js';
import { presentAnswers } from '../../../src/tab-api/vocabulary.js';
import { summaryOf } from '../../../src/domain/cases/summary.js';
import { indexEntity, summaryFromIndex } from '../../../src/storage/case-entities.js';
import type { CaseRecord, Routing } from '../../../src/domain/cases/types.js';
import type { Role as PolicyRole } from '../../../src/domain/policy/profile.js';

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
    // A chair also lists what the school's policy sends the chair, and what reaches them as a line manager.
    expect(visibilityFilter(chair)).toBe("(aboutHead eq true or tellChair eq true or lineManagerAad eq 'chair')");
    expect(visibilityFilter(m(['slt'], 'w'))).toContain("lineManagerAad eq 'slt'");
    expect(visibilityFilter({ ...slt, aadObjectId: "o'brien" })).toContain("lineManagerAad eq 'o''brien'");
  });
});

/** Evaluate a `visibilityFilter` over one index row (the filter only compares its flags and the line manager's id, with and/or). */
function filterAllows(filter: string, row: Record<string, unknown>): boolean {
  const js = filter
    .replace(/\b(aboutHead|safeguarding|tellDsl|tellHead|tellSlt|tellChair) eq (true|false)\b/g, (_, f: string, v: string) => String(row[f] === (v === 'true')))
    .replace(/\blineManagerAad eq '((?:[^']|'')*)'/g, (_, v: string) => String(row.lineManagerAad === v.replace(/''/g, "'")))
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

/** A case's index row as the repository writes it, and the summary the list reads back from it. */
function indexed(routing: Routing, submitterAad = 'reporter') {
  const record: CaseRecord = {
    schoolId: 'w', id: 'c1', reference: 'SM-2026-0001', kind: 'incident', category: 'other', status: 'new', routing,
    submitter: { aadObjectId: submitterAad, name: 'R' }, answers: {}, createdAt: '2026-03-14T15:00:00.000Z', updatedAt: '2026-03-14T15:00:00.000Z',
  };
  const summary = summaryOf(record);
  const row = indexEntity('w', 'o|1|x|c1', summary);
  return { summary, row, fromIndex: summaryFromIndex('w', row) };
}

const TELLS: PolicyRole[][] = [[], ['head'], ['slt'], ['dsl'], ['chair'], ['lineManager'], ['head', 'slt'], ['dpo']];
const routingOf = (safeguarding: boolean, aboutHead: boolean, policyTell: PolicyRole[], extra: Partial<Routing> = {}): Routing => ({
  safeguarding, aboutHead, queue: aboutHead ? 'chair' : safeguarding ? 'dsl' : 'slt', severity: 'medium', reasons: [],
  ...(policyTell.length ? { policyTell } : {}), ...extra,
});

describe('whoever the school\'s policy tells may open the case', () => {
  it.each([
    // [who, policyTell, [ordinary, safeguarding, about head, safeguarding about head]]
    ['SLT member, the policy tells the senior team', slt, ['slt'], [true, true, true, true]],
    ['SLT member, the policy tells nobody more', slt, [], [true, false, false, false]],
    ['head, the policy tells the head', head, ['head'], [true, true, false, false]],
    ['head, the policy tells the senior team (never about the head)', head, ['slt'], [true, true, false, false]],
    ['chair, the policy tells the chair', chair, ['chair'], [true, true, true, true]],
    ['deputy DSL, the policy tells the DSL', deputyDslOnly, ['dsl'], [true, true, true, true]],
    ['member of staff, the policy tells the senior team', staff, ['slt'], [false, false, false, false]],
  ] as const)('%s: sees %o', (_n, who, tell, expected) => {
    const seen = [[false, false], [true, false], [false, true], [true, true]].map(([sg, ah]) => indexed(routingOf(sg, ah, [...tell])));
    expect(seen.map((x) => canView(who, x.summary))).toEqual(expected);
    expect(seen.map((x) => filterAllows(visibilityFilter(who), x.row))).toEqual(expected);
  });

  it('the line manager the policy told sees it if the Cases tab is theirs; another line manager does not; a line manager who is only staff gets no link', () => {
    const lm = m(['staff', 'slt']);
    const other = { ...chair, aadObjectId: 'another-line-manager' };
    const plainLm = m(['staff']);
    for (const sg of [false, true]) {
      const mine = indexed(routingOf(sg, false, ['lineManager'], { lineManagerAad: lm.aadObjectId }));
      expect([canView(lm, mine.summary), filterAllows(visibilityFilter(lm), mine.row)]).toEqual([true, true]);
      expect([canView(other, mine.summary), filterAllows(visibilityFilter(other), mine.row)]).toEqual([false, false]);
      const plain = indexed(routingOf(sg, false, ['lineManager'], { lineManagerAad: plainLm.aadObjectId }));
      expect([canView(plainLm, plain.summary), filterAllows(visibilityFilter(plainLm), plain.row)]).toEqual([false, false]);
    }
  });

  it('every person told of a case may open it, for every combination of roles, routes and policy', () => {
    const reporter = m(['staff'], 'w');
    for (const roles of EVERY_ROLE_SET) {
      const who = { ...m(roles), aadObjectId: 'who' };
      const submitter = { ...reporter, aadObjectId: 'reporter', lineManager: 'who' };
      for (const tell of TELLS) {
        for (const [sg, ah] of [[false, false], [true, false], [false, true], [true, true]]) {
          const routing = routingOf(sg, ah, tell.filter((x) => !(ah && x === 'head')));
          const told = incidentRecipients(routing, [who, submitter], 'reporter').some((r) => r.kind !== 'receipt' && r.recipient.aadObjectId === 'who');
          const withLm = told && tell.includes('lineManager') ? { ...routing, lineManagerAad: 'who' } : routing;
          const { summary, row, fromIndex } = indexed(withLm);
          const label = `${roles.join(',')} tell=${tell.join(',')} sg=${sg} ah=${ah}`;
          // Told but unable to open: only a line manager whose role does not open the Cases tab (their notice has no link).
          if (told) expect(canView(who, summary) || (tell.includes('lineManager') && !canUseTab(who)), label).toBe(true);
          expect(filterAllows(visibilityFilter(who), row), label).toBe(canView(who, summary));
          expect(canView(who, fromIndex), label).toBe(canView(who, summary));
        }
      }
    }
  });
});

describe('the person a report is about', () => {
  it('is never told of it nor shown it, in the detail or the list, whatever roles they hold', () => {
    for (const roles of EVERY_ROLE_SET) {
      const who = { ...m(roles), aadObjectId: 'subject' };
      for (const tell of TELLS) {
        for (const [sg, ah] of [[false, false], [true, false], [false, true], [true, true]]) {
          const routing = routingOf(sg, ah, tell, { subject: { aadObjectId: 'subject', name: 'S' }, ...(tell.includes('lineManager') ? { lineManagerAad: 'subject' } : {}) });
          const label = `${roles.join(',')} tell=${tell.join(',')} sg=${sg} ah=${ah}`;
          const { summary, row, fromIndex } = indexed(routing);
          expect(incidentRecipients(routing, [who, { ...m(['staff']), aadObjectId: 'reporter', lineManager: 'subject' }], 'reporter').map((r) => r.recipient.aadObjectId), label).toEqual(['reporter']);
          expect(canView(who, summary), label).toBe(false);
          // The list reads the rows its filter returns and keeps those canView allows, as the tab's list does.
          expect(filterAllows(visibilityFilter(who), row) && canView(who, fromIndex), label).toBe(false);
          // Anyone else with the same roles sees exactly what they would have seen.
          const twin = { ...who, aadObjectId: 'twin' };
          expect(canView(twin, summary), label).toBe(canView(twin, { ...summary, subjectAad: undefined }));
        }
      }
    }
  });
});
