import { describe, expect, it } from 'vitest';
import { addSchoolDays } from '../../../src/domain/school-days.js';
import { dueTime, owedState, referralsOwed, statutoryDeadlines, validReferral } from '../../../src/domain/cases/referrals.js';
import { CaseNotFoundError, CaseService, InvalidChangeError } from '../../../src/domain/cases/case-service.js';
import type { DirectoryService } from '../../../src/domain/directory/directory-service.js';
import type { Member } from '../../../src/domain/directory/directory.js';
import type { CaseRecord, ExternalReferral, Routing } from '../../../src/domain/cases/types.js';
import { summaryOf } from '../../../src/domain/cases/summary.js';
import { MemoryCaseStore } from '../../support/memory-case-store.js';

describe('working days: Monday to Friday in the UK, at the same UK time', () => {
  it.each([
    ['a Monday afternoon → Tuesday', '2026-03-02T14:30:00Z', '2026-03-03T14:30:00.000Z'],
    ['a Friday afternoon → Monday (the weekend is skipped)', '2026-03-06T14:30:00Z', '2026-03-09T14:30:00.000Z'],
    ['a Saturday → Monday', '2026-03-07T10:00:00Z', '2026-03-09T10:00:00.000Z'],
    ['a Sunday night → Monday night', '2026-03-01T23:30:00Z', '2026-03-02T23:30:00.000Z'],
    // 00:30 on Saturday 4 July in London is still Friday in UTC: the UK calendar decides.
    ['00:30 on a Saturday in summer → 00:30 on Monday', '2026-07-03T23:30:00Z', '2026-07-05T23:30:00.000Z'],
    // The clocks go forward on Sunday 29 March 2026: the same UK time of day, an hour earlier in UTC.
    ['a Friday before the clocks change → Monday at the same UK time', '2026-03-27T14:30:00Z', '2026-03-30T13:30:00.000Z'],
    // Bank holidays are not known to the app: Good Friday and Christmas Day count as working days.
    ['Maundy Thursday → Good Friday (bank holidays not counted)', '2026-04-02T09:00:00Z', '2026-04-03T09:00:00.000Z'],
    ['Christmas Eve → Christmas Day (bank holidays not counted)', '2026-12-24T15:00:00Z', '2026-12-25T15:00:00.000Z'],
  ])('%s', (_what, from, expected) => {
    expect(addSchoolDays(new Date(from), 1).toISOString()).toBe(expected);
  });

  it('five working days from a Wednesday is the next Wednesday, seconds kept', () => {
    expect(addSchoolDays(new Date('2026-03-04T08:00:42.500Z'), 5).toISOString()).toBe('2026-03-11T08:00:42.500Z');
  });
});

describe('statutory deadlines of a case', () => {
  const CREATED = '2026-03-06T14:30:00.000Z'; // a Friday, 14:30 in London
  const routing = (external: Routing['external']): Routing => ({ safeguarding: false, aboutHead: false, queue: 'head', severity: 'high', reasons: [], external });
  const referral = (body: ExternalReferral['body'], at: string): ExternalReferral => ({
    body, at, reference: 'R-1', referredBy: { aadObjectId: 'a', name: 'A' }, recordedBy: { aadObjectId: 'a', name: 'A' }, recordedAt: at,
  });
  const of = (external: Routing['external'], referrals: ExternalReferral[] = []) => ({ routing: routing(external), createdAt: CREATED, referrals });

  it.each([
    ['immediately: due when the case was made', 'immediately', CREATED],
    ['one working day: the next working day at the same time', 'oneWorkingDay', '2026-03-09T14:30:00.000Z'],
    ['72 hours: three days later to the hour, weekend or not', '72hours', '2026-03-09T14:30:00.000Z'],
    ['unspecified: no time set', 'unspecified', null],
  ] as const)('%s', (_what, within, due) => {
    expect(dueTime(CREATED, within)).toBe(due);
  });

  it('72 hours are real hours across a change of the clocks', () => {
    expect(dueTime('2026-03-27T12:00:00.000Z', '72hours')).toBe('2026-03-30T12:00:00.000Z');
  });

  it.each([
    ['open before the deadline', [], '2026-03-09T14:29:00Z', 'open'],
    ['overdue after it', [], '2026-03-09T14:31:00Z', 'overdue'],
    ['met by a referral to that body', [referral('lado', '2026-03-06T16:00:00.000Z')], '2026-03-10T09:00:00Z', 'met'],
    ['not met by a referral to another body', [referral('police', '2026-03-06T16:00:00.000Z')], '2026-03-10T09:00:00Z', 'overdue'],
  ] as const)('LADO within one working day: %s', (_what, referrals, now, state) => {
    const [d] = statutoryDeadlines(of([{ body: 'lado', within: 'oneWorkingDay' }], [...referrals]), new Date(now));
    expect(d).toMatchObject({ body: 'lado', within: 'oneWorkingDay', due: '2026-03-09T14:30:00.000Z', state });
  });

  it('a referral made after the deadline meets it, late', () => {
    const [d] = statutoryDeadlines(of([{ body: 'ico', within: '72hours' }], [referral('ico', '2026-03-10T09:00:00.000Z')]), new Date('2026-03-11T00:00:00Z'));
    expect(d).toMatchObject({ state: 'met', late: true, metBy: { body: 'ico' } });
  });

  it('an unspecified deadline is owed but never overdue; an immediate one is overdue at once', () => {
    const ds = statutoryDeadlines(of([{ body: 'police', within: 'unspecified' }, { body: 'ceop', within: 'immediately' }]), new Date('2026-03-06T14:31:00Z'));
    expect(ds.map((d) => [d.body, d.state])).toEqual([['police', 'open'], ['ceop', 'overdue']]);
  });

  it('a body named twice keeps the shorter deadline; a case without outside referrals owes none', () => {
    const ds = statutoryDeadlines(of([{ body: 'lado', within: 'unspecified' }, { body: 'lado', within: 'oneWorkingDay' }]), new Date(CREATED));
    expect(ds).toEqual([{ body: 'lado', within: 'oneWorkingDay', due: '2026-03-09T14:30:00.000Z', state: 'open' }]);
    expect(statutoryDeadlines(of(undefined), new Date(CREATED))).toEqual([]);
    expect(referralsOwed(of(undefined))).toBeUndefined();
  });

  it('what the list rows carry: the referrals still owed, and whether one is past its time', () => {
    const owed = referralsOwed(of([{ body: 'lado', within: 'oneWorkingDay' }, { body: 'ico', within: '72hours' }], [referral('ico', CREATED)]));
    expect(owed).toEqual([{ body: 'lado', due: '2026-03-09T14:30:00.000Z' }]);
    expect(owedState(owed, new Date('2026-03-09T14:00:00Z'))).toBe('open');
    expect(owedState(owed, new Date('2026-03-09T15:00:00Z'))).toBe('overdue');
    expect(owedState(undefined, new Date())).toBeNull();
  });
});

describe('validating a referral', () => {
  const NOW = new Date('2026-03-06T15:00:00Z');
  const ok = { body: 'lado', referredBy: { aadObjectId: 'a', name: 'A' }, at: '2026-03-06T14:45:00Z', reference: ' LADO/2026/117 ' };

  it('accepts a known body, a reference (trimmed) and a time not in the future', () => {
    expect(validReferral({ ...ok, note: '  spoke to the duty officer ' }, NOW)).toEqual({
      body: 'lado', referredBy: ok.referredBy, at: '2026-03-06T14:45:00.000Z', reference: 'LADO/2026/117', note: 'spoke to the duty officer',
    });
  });

  it('reads a date and time without a zone as UK time', () => {
    expect(validReferral({ ...ok, at: '2026-03-06T14:45' }, NOW).at).toBe('2026-03-06T14:45:00.000Z');
    expect(validReferral({ ...ok, at: '2026-07-06T14:45' }, new Date('2026-07-07T00:00:00Z')).at).toBe('2026-07-06T13:45:00.000Z');
  });

  it.each([
    ['an unknown body', { body: 'ofsted' }, /body/],
    ['an empty reference', { reference: '   ' }, /reference: required/],
    ['a reference over 100 characters', { reference: 'x'.repeat(101) }, /at most 100/],
    ['a reference of two lines', { reference: 'a\nb' }, /one line/],
    ['a time that is not one', { at: 'yesterday' }, /at: a date/],
    ['a day that does not exist', { at: '2026-02-30T10:00' }, /at: a date/],
    ['a time without a zone and seconds', { at: '2026-03-06T14:45:00' }, /at: a date/],
    ['a time in the future', { at: '2026-03-06T16:00:00Z' }, /future/],
    ['a note over 4,000 characters', { note: 'x'.repeat(4001) }, /note/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => validReferral({ ...ok, ...change }, NOW)).toThrow(message);
  });
});

describe('recording a referral on a case', () => {
  const NOW = new Date('2026-03-06T15:00:00Z');
  const member = (aad: string, ...roles: Member['roles']): Member => ({ schoolId: 'w', aadObjectId: aad, name: `Name ${aad}`, roles });
  const HEAD = member('head', 'staff', 'slt', 'headteacher');
  const CHAIR = member('chair', 'chair');
  const TEACHER = member('teacher', 'staff');

  async function setUp(aboutHead = false) {
    const store = new MemoryCaseStore();
    const { case: c } = await store.create({
      schoolId: 'w', referencePrefix: 'SM', submissionId: 's1', kind: 'incident', category: 'staffMisuse', status: 'new',
      routing: { safeguarding: false, aboutHead, queue: aboutHead ? 'chair' : 'head', severity: 'high', reasons: [], external: [{ body: 'lado', within: 'oneWorkingDay' }] },
      submitter: { aadObjectId: 'teacher', name: 'Teacher' }, answers: {}, evidence: [], outbox: [], now: '2026-03-06T14:30:00.000Z',
    });
    const service = new CaseService(store, {} as DirectoryService, () => NOW);
    return { store, service, c: c as CaseRecord };
  }
  const input = { body: 'lado', referredBy: { aadObjectId: 'head', name: 'Name head' }, at: '2026-03-06T14:50:00Z', reference: 'L-42', note: 'Duty officer' };

  it('saves the referral and its chronology event in one write, and the case owes nothing more', async () => {
    const { store, service, c } = await setUp();
    expect(summaryOf(c).referralsOwed).toEqual([{ body: 'lado', due: '2026-03-09T14:30:00.000Z' }]);
    const updated = await service.recordReferral(HEAD, c.id, input);
    expect(updated.referrals).toEqual([{ ...validReferral(input, NOW), recordedBy: { aadObjectId: 'head', name: 'Name head' }, recordedAt: NOW.toISOString() }]);
    expect(summaryOf(updated).referralsOwed).toBeUndefined();
    expect(store.updates).toBe(1);
    const d = await store.get('w', c.id);
    expect(d!.events.at(-1)).toMatchObject({ type: 'referred', actor: { name: 'Name head' }, detail: 'Duty officer', data: { body: 'lado', reference: 'L-42', referredBy: 'Name head' } });
    expect(statutoryDeadlines(d!.case, NOW)[0].state).toBe('met');
  });

  it('tries again when someone else changed the case between its read and its write', async () => {
    const { store, service, c } = await setUp();
    store.beforeNextUpdate = () => service.recordReferral(HEAD, c.id, { ...input, body: 'police', reference: 'P-1' }).then(() => undefined);
    await service.recordReferral(HEAD, c.id, input);
    expect((await store.get('w', c.id))!.case.referrals!.map((r) => r.body)).toEqual(['police', 'lado']);
  });

  it('is refused to anyone who may not see the case: a member of staff, the head on a case about the head', async () => {
    const { service, c } = await setUp();
    await expect(service.recordReferral(TEACHER, c.id, input)).rejects.toBeInstanceOf(CaseNotFoundError);
    const aboutHead = await setUp(true);
    await expect(aboutHead.service.recordReferral(HEAD, aboutHead.c.id, input)).rejects.toBeInstanceOf(CaseNotFoundError);
    await expect(aboutHead.service.recordReferral(CHAIR, aboutHead.c.id, input)).resolves.toMatchObject({ referrals: [{ body: 'lado' }] });
  });

  it('refuses bad input before reading the case', async () => {
    const { store, service, c } = await setUp();
    await expect(service.recordReferral(HEAD, c.id, { ...input, reference: '' })).rejects.toBeInstanceOf(InvalidChangeError);
    expect(store.updates).toBe(0);
  });
});
