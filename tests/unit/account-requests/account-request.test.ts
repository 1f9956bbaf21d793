import { describe, expect, it } from 'vitest';
import { expectValidCard } from '../../support/adaptive-card.js';
import { ACCOUNT_PLATFORMS, MINIMUM_AGES, checkPupilAge, minimumAge } from '../../../src/domain/account-requests/minimum-age.js';
import { answersToForm, checkAccountRequest, errorsUpTo } from '../../../src/domain/account-requests/account-request.js';
import { londonDate } from '../../../src/domain/time.js';
import { buildChain, currentStep, mayDecide, stageText } from '../../../src/domain/account-requests/approval-chain.js';
import { ACCOUNT_VERBS, buildAccountNoticeCard, buildApprovalCard } from '../../../src/teams/account-requests/account-request-cards.js';
import type { Member } from '../../../src/domain/directory/directory.js';
import { VALID } from './account-request-fixtures.js';

const m = (aad: string, name: string, roles: Member['roles'], lineManager?: string): Member => ({ schoolId: 'westbrook', aadObjectId: aad, name, roles, lineManager });
/** The seeded Westbrook staff (config/schools.seed.json), in directory order. */
const SAM = m('sam', 'Sam Taylor', ['staff'], 'rachel');
const HELEN = m('helen', 'Helen Carter', ['staff', 'slt', 'headteacher']);
const DEV = m('dev', 'Dev Patel', ['staff', 'slt', 'dsl']);
const RACHEL = m('rachel', 'Rachel Moore', ['staff', 'slt', 'deputyDsl', 'admin']);
const GEORGE = m('george', 'George Wilson', ['chair']);
const PRIYA = m('priya', 'Priya Shah', ['staff'], 'rachel');
const MEMBERS = [SAM, HELEN, DEV, RACHEL, GEORGE, PRIYA];
const STAFF = MEMBERS.filter((x) => x.roles.includes('staff'));
const ref = (x: Member) => ({ aadObjectId: x.aadObjectId, name: x.name });

const check = (over: Record<string, string> = {}) => checkAccountRequest({ ...VALID, ...over }, { staff: STAFF, today: '2026-03-14' });
const errorsOf = (over: Record<string, string>) => {
  const r = check(over);
  expect(r.ok).toBe(false);
  return (r as { errors: Record<string, string> }).errors;
};

describe('minimum ages of platforms', () => {
  it.each([
    ['facebook', 13], ['instagram', 13], ['x', 13], ['tiktok', 13], ['youtube', 13], ['snapchat', 13], ['whatsapp', 13], ['reddit', 13], ['linkedin', 16], ['other', undefined], ['myspace', undefined],
  ] as const)('%s: %s', (platform, age) => {
    expect(minimumAge(platform)).toBe(age);
  });

  it('every platform offered has an entry', () => {
    expect(Object.keys(MINIMUM_AGES).sort()).toEqual(Object.keys(ACCOUNT_PLATFORMS).sort());
  });

  it.each([
    ['instagram', 12, false], ['instagram', 13, true], ['instagram', 7, false], ['linkedin', 15, false], ['linkedin', 16, true], ['other', 5, true], ['youtube', 18, true],
  ] as const)('%s with pupils aged %i and over: allowed %s', (platform, youngest, ok) => {
    const r = checkPupilAge(platform, youngest);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.message).toContain(`aged ${r.minimumAge} and over`);
  });
});

describe('checking the request form', () => {
  it('accepts a complete form and returns typed answers', () => {
    const r = check();
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.answers).toMatchObject({ platform: 'instagram', audience: ['families', 'staff'], administrators: [ref(SAM), ref(PRIYA)], moderators: [ref(RACHEL), ref(DEV)], lineManager: ref(RACHEL), host: 'thirdParty', hostName: 'Meta' });
    expect(r.answers.pupilAgeFrom).toBeUndefined();
    // and back again, for editing
    expect(checkAccountRequest(answersToForm(r.answers), { staff: STAFF, today: '2026-03-14' })).toEqual(r);
  });

  it.each([
    ['fewer than two administrators', { administrators: 'sam' }, 'administrators', 'at least two administrators'],
    ['fewer than two moderators', { moderators: 'dev' }, 'moderators', 'at least two moderators'],
    ['no moderators', { moderators: '' }, 'moderators', 'at least two moderators'],
    ['the same person twice', { administrators: 'sam,sam' }, 'administrators', 'Sam Taylor is named twice'],
    ['someone not on the staff', { moderators: 'dev,george' }, 'moderators', "from the school's staff"],
    ['a closure date before go-live', { reviewDate: '2026-04-01' }, 'reviewDate', 'after the go-live date'],
    ['a closure date on the go-live date', { reviewDate: '2026-04-20' }, 'reviewDate', 'after the go-live date'],
    ['a go-live date in the past', { goLive: '2026-03-13' }, 'goLive', 'in the past'],
    ['a go-live date that is not a date', { goLive: '2026-02-30' }, 'goLive', 'go-live date'],
    ['pupils under the minimum age in the audience', { audience: 'pupils,families', pupilAgeFrom: '9', pupilAgeTo: '11' }, 'audience', 'Instagram is for people aged 13 and over'],
    ['pupils under the minimum age contributing', { contributors: 'pupils', pupilAgeFrom: '10', pupilAgeTo: '11', consent: 'Letters home' }, 'contributors', 'aged 13 and over'],
    ['pupils without an age range', { audience: 'pupils' }, 'pupilAgeFrom', 'youngest'],
    ['an age range upside down', { platform: 'other', platformOther: 'School blog', audience: 'pupils', pupilAgeFrom: '11', pupilAgeTo: '9' }, 'pupilAgeTo', 'must not be below'],
    ['pupils contributing without consent', { platform: 'other', platformOther: 'School blog', contributors: 'pupils,staff', pupilAgeFrom: '9', pupilAgeTo: '11' }, 'consent', 'consent'],
    ['"Other" platform unnamed', { platform: 'other' }, 'platformOther', 'the platform'],
    ['no platform', { platform: 'myspace' }, 'platform', 'choose the platform'],
    ['a third-party host unnamed', { hostName: '' }, 'hostName', 'the host'],
    ['no line manager', { lineManager: '' }, 'lineManager', 'line manager'],
    ['no aim', { aim: '  ' }, 'aim', 'pedagogical or business reason'],
    ['other schools unnamed', { audience: 'otherPupils' }, 'otherSchools', 'other schools'],
    ['neither open nor closed', { openness: 'maybe' }, 'openness', 'open or private'],
  ])('refuses %s, with the reason at the field', (_name, over, field, text) => {
    const errors = errorsOf(over as Record<string, string>);
    expect(errors[field as keyof typeof errors]).toContain(text);
  });

  it('pupils of 13 on Instagram, or of 9 on a school-hosted blog, are fine', () => {
    expect(check({ audience: 'pupils', pupilAgeFrom: '13', pupilAgeTo: '16' }).ok).toBe(true);
    expect(check({ platform: 'other', platformOther: 'School blog', audience: 'pupils', contributors: 'pupils', pupilAgeFrom: '9', pupilAgeTo: '11', consent: 'Parental consent form' }).ok).toBe(true);
  });

  it('names every problem at once, and only those of the pages filled in so far', () => {
    const errors = errorsOf({ accountName: '', administrators: 'sam', goLive: '2020-01-01' });
    expect(Object.keys(errors).sort()).toEqual(['accountName', 'administrators', 'goLive']);
    expect(Object.keys(errorsUpTo(errors, 'about'))).toEqual(['accountName']);
    expect(Object.keys(errorsUpTo(errors, 'people')).sort()).toEqual(['accountName', 'administrators']);
  });

  it("today is the UK's date", () => {
    expect(londonDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonDate(new Date('2026-01-31T23:30:00Z'))).toBe('2026-01-31');
  });
});

/** The longest chain a policy sets (Wootton's: line manager, senior manager, the head). */
const THREE = ['lineManager', 'seniorManager', 'head'] as const;

describe('the approval chain: line manager, senior manager, head', () => {
  const people = (chain: ReturnType<typeof buildChain>) => chain.map((s) => [s.role, s.approver?.name ?? null, s.state]);

  it('a teacher: line manager, then the first other SLT member, then the head', () => {
    const chain = buildChain(MEMBERS, ref(SAM), ref(RACHEL), THREE);
    expect(people(chain)).toEqual([['lineManager', 'Rachel Moore', 'pending'], ['seniorManager', 'Dev Patel', 'pending'], ['head', 'Helen Carter', 'pending']]);
    expect(stageText(chain[currentStep(chain)], { headTitle: 'Headteacher' })).toBe('Awaiting line manager (Rachel Moore)');
  });

  it('the deputy head naming herself as line manager: her own slot is skipped, never self-approved', () => {
    const chain = buildChain(MEMBERS, ref(RACHEL), ref(RACHEL), THREE);
    expect(people(chain)).toEqual([['lineManager', 'Rachel Moore', 'skipped'], ['seniorManager', 'Dev Patel', 'pending'], ['head', 'Helen Carter', 'pending']]);
    expect(chain[0].skippedBecause).toContain('cannot approve their own');
    expect(currentStep(chain)).toBe(1);
  });

  it('a line manager who is the head approves once, at the end', () => {
    const chain = buildChain(MEMBERS, ref(RACHEL), ref(HELEN), THREE);
    expect(people(chain)).toEqual([['lineManager', 'Helen Carter', 'skipped'], ['seniorManager', 'Dev Patel', 'pending'], ['head', 'Helen Carter', 'pending']]);
  });

  it("the head's own request: the chair of governors gives the final approval", () => {
    const chain = buildChain(MEMBERS, ref(HELEN), ref(HELEN), THREE);
    expect(people(chain)).toEqual([['lineManager', 'Helen Carter', 'skipped'], ['seniorManager', 'Dev Patel', 'pending'], ['head', 'George Wilson', 'pending']]);
  });

  it('no other senior manager: that step is skipped with the reason', () => {
    const chain = buildChain([SAM, HELEN, PRIYA], ref(SAM), ref(PRIYA), THREE);
    expect(people(chain)).toEqual([['lineManager', 'Priya Shah', 'pending'], ['seniorManager', null, 'skipped'], ['head', 'Helen Carter', 'pending']]);
  });
});


describe('the approval chain: the senior team, or the head alone', () => {
  it('the senior team: one step for every member but the requester; any one of them decides it', () => {
    const chain = buildChain(MEMBERS, ref(SAM), ref(RACHEL), ['slt']);
    expect(chain).toHaveLength(1);
    expect(chain[0]).toMatchObject({ role: 'slt', state: 'pending' });
    expect(chain[0].approvers!.map((p) => p.name)).toEqual(['Helen Carter', 'Dev Patel', 'Rachel Moore']);
    expect(stageText(chain[0], { headTitle: 'Headteacher', seniorTeam: 'SLT' })).toBe('Awaiting SLT (any one member)');
    for (const who of [HELEN, DEV, RACHEL]) expect(mayDecide(chain[0], who.aadObjectId, SAM.aadObjectId)).toBe(true);
    for (const who of [SAM, PRIYA, GEORGE]) expect(mayDecide(chain[0], who.aadObjectId, SAM.aadObjectId)).toBe(false);
  });

  it('a senior leader asking the senior team never decides their own', () => {
    const chain = buildChain(MEMBERS, ref(DEV), ref(RACHEL), ['slt']);
    expect(chain[0].approvers!.map((p) => p.name)).toEqual(['Helen Carter', 'Rachel Moore']);
    expect(mayDecide(chain[0], DEV.aadObjectId, DEV.aadObjectId)).toBe(false);
  });

  it('the head alone; for the head\'s own request, the chair', () => {
    expect(buildChain(MEMBERS, ref(SAM), ref(RACHEL), ['head']).map((s) => [s.role, s.approver?.name, s.state])).toEqual([['head', 'Helen Carter', 'pending']]);
    expect(buildChain(MEMBERS, ref(HELEN), ref(HELEN), ['head']).map((s) => [s.role, s.approver?.name, s.state])).toEqual([['head', 'George Wilson', 'pending']]);
  });
});

describe('account request cards', () => {
  const base = {
    caseId: '0123456789abcdef', schoolId: 'westbrook', round: 2, step: 1, reference: 'SM-2026-0001', requesterName: 'Sam Taylor', submittedAt: 'Sat 14 Mar, 15:00',
    statement: 'As senior manager', facts: [{ title: 'Platform', value: 'Instagram' }], chain: [{ title: 'Line manager', value: 'Rachel Moore: approved' }],
    stateText: '', caseUrl: 'https://example.test/tab', refreshUserIds: ['29:dev'], policyLines: ['Your school\'s policy: …'],
  };
  it('approval card: three Action.Execute verbs carrying case, round and step (numbers); refresh for the approver', () => {
    const pending = buildApprovalCard({ ...base, state: 'pending' }).content;
    expectValidCard(pending);
    const data = { caseId: base.caseId, schoolId: 'westbrook', round: 2, step: 1 };
    expect((pending.actions as any[]).filter((a) => a.type === 'Action.Execute').map((a) => [a.verb, a.data])).toEqual([
      [ACCOUNT_VERBS.approve, data], [ACCOUNT_VERBS.changes, data], [ACCOUNT_VERBS.reject, data],
    ]);
    expect(pending.refresh).toEqual({ action: { type: 'Action.Execute', verb: ACCOUNT_VERBS.refresh, data }, userIds: ['29:dev'] });
    expect(JSON.stringify(pending)).toContain('"id":"reason"');
    const done = buildApprovalCard({ ...base, state: 'done', stateText: '✅ Approved by Dev Patel' }).content;
    expectValidCard(done);
    expect((done.actions as any[]).some((a) => a.type === 'Action.Execute')).toBe(false);
    expect(JSON.stringify(done)).toContain('Approved by Dev Patel');
  });

  it('notice: "ask for changes" carries Edit and resubmit with the case', () => {
    const n = buildAccountNoticeCard({ title: 't', text: 'x', reason: 'Changes wanted: y', reference: 'SM-2026-0001', resubmit: { verb: 'menu', choice: 'requestAccount', caseId: base.caseId } }).content;
    expectValidCard(n);
    expect((n.actions as any[])[0]).toMatchObject({ type: 'Action.Submit', title: 'Edit and resubmit', data: { verb: 'menu', choice: 'requestAccount', caseId: base.caseId } });
    const plain = buildAccountNoticeCard({ title: 't', text: 'x', reason: '', reference: 'SM-2026-0001' }).content;
    expectValidCard(plain);
    expect(plain.actions).toBeUndefined();
  });
});

describe('forged choices', () => {
  it.each([['audience', 'constructor'], ['contributors', '__proto__'], ['openness', 'toString'], ['host', 'hasOwnProperty']])(
    'refuses %s = %s (an inherited property name is not a choice)',
    (field, value) => {
      expect(errorsOf({ [field]: value })[field]).toBeTruthy();
    },
  );
});
