import { describe, expect, it } from 'vitest';
import { addDaysOfSchool, nextOpening, withinHours } from '../../../src/domain/rollout/school-hours.js';
import { nextStep, type PersonProgress } from '../../../src/domain/rollout/rollout.js';
import type { SchoolHours } from '../../../src/domain/policy/profile.js';

const LONDON: SchoolHours = { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '08:30', end: '16:30' };
const PARIS: SchoolHours = { ...LONDON, timeZone: 'Europe/Paris' };
const at = (iso: string) => new Date(iso);

describe('school hours (quiet by default)', () => {
  it.each([
    ['Thursday mid-morning (GMT)', LONDON, '2026-12-03T10:00:00Z', true],
    ['the minute the day ends', LONDON, '2026-12-03T16:30:00Z', false],
    ['the minute before it starts', LONDON, '2026-12-03T08:29:00Z', false],
    ['the minute it starts', LONDON, '2026-12-03T08:30:00Z', true],
    ['Saturday', LONDON, '2026-12-05T10:00:00Z', false],
    ['Sunday', LONDON, '2026-12-06T10:00:00Z', false],
    ['08:45 BST is 07:45 UTC', LONDON, '2026-06-01T07:45:00Z', true],
    ['08:15 BST is 07:15 UTC', LONDON, '2026-06-01T07:15:00Z', false],
    ['16:15 BST is 15:15 UTC', LONDON, '2026-06-01T15:15:00Z', true],
    ['another zone: 09:00 in Paris is 08:00 UTC', PARIS, '2026-12-03T08:00:00Z', true],
    ['another zone: 16:45 in Paris is 15:45 UTC', PARIS, '2026-12-03T15:45:00Z', false],
    ['a school open all day, every day', { ...LONDON, days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' }, '2026-12-06T23:59:00Z', true],
  ] as Array<[string, SchoolHours, string, boolean]>)('%s', (_what, hours, when, open) => {
    expect(withinHours(hours, at(when))).toBe(open);
  });

  it.each([
    ['open now: now', '2026-12-03T10:00:00Z', '2026-12-03T10:00:00.000Z'],
    ['early on a school day: at 08:30 that day', '2026-12-03T06:00:00Z', '2026-12-03T08:30:00.000Z'],
    ['after school on Friday: Monday 08:30', '2026-12-04T17:00:00Z', '2026-12-07T08:30:00.000Z'],
    ['Saturday: Monday 08:30', '2026-12-05T12:00:00Z', '2026-12-07T08:30:00.000Z'],
    ['after school on Monday: Tuesday 08:30', '2026-12-07T20:00:00Z', '2026-12-08T08:30:00.000Z'],
    ['over the spring clock change: Monday 08:30 BST', '2027-03-26T17:00:00Z', '2027-03-29T07:30:00.000Z'],
    ['over the autumn clock change: Monday 08:30 GMT', '2026-10-23T17:00:00Z', '2026-10-26T08:30:00.000Z'],
  ])('next opening, %s', (_what, when, expected) => {
    expect(nextOpening(LONDON, at(when)).toISOString()).toBe(expected);
  });

  it.each([
    ['Thursday + 3 school days is Tuesday', '2026-12-03T10:00:00Z', 3, '2026-12-08T10:00:00.000Z'],
    ['Friday + 1 is Monday', '2026-12-04T11:00:00Z', 1, '2026-12-07T11:00:00.000Z'],
    ['Monday + 5 is the next Monday', '2026-12-07T09:00:00Z', 5, '2026-12-14T09:00:00.000Z'],
  ])('%s', (_what, from, n, expected) => {
    expect(addDaysOfSchool(LONDON, at(from), n).toISOString()).toBe(expected);
  });
});

describe('what comes next for one person (at most one card, two reminders, one note)', () => {
  const s = { remindAfterSchoolDays: 3, hours: LONDON };
  const d = (iso: string) => ({ state: 'delivered' as const, deliveredAt: iso });
  const thu = '2026-12-03T10:00:00Z';
  const tue = '2026-12-08T10:00:00Z';
  const fri = '2026-12-11T10:00:00Z';
  const base: PersonProgress = { acknowledged: false, noted: false };
  it.each<[string, PersonProgress, string, string]>([
    ['acknowledged: nothing more', { ...base, acknowledged: true, card: d(thu) }, '2026-12-20T10:00:00Z', 'none'],
    ['the card is still on its way: nothing', { ...base, card: { state: 'pending', deliveredAt: undefined } }, tue, 'none'],
    ['the card could not be delivered: no reminder either', { ...base, card: { state: 'unreachable', deliveredAt: undefined } }, '2026-12-20T10:00:00Z', 'none'],
    ['two school days after the card: not yet', { ...base, card: d(thu) }, '2026-12-07T10:00:00Z', 'none'],
    ['three school days after the card: the first reminder', { ...base, card: d(thu) }, tue, 'reminder1'],
    ['the first reminder still on its way: nothing', { ...base, card: d(thu), reminder1: { state: 'pending', deliveredAt: undefined } }, fri, 'none'],
    ['three school days after the first reminder: the second', { ...base, card: d(thu), reminder1: d(tue) }, fri, 'reminder2'],
    ['just before that: nothing', { ...base, card: d(thu), reminder1: d(tue) }, '2026-12-11T09:59:00Z', 'none'],
    ['three school days after the second: the note to the line manager or head', { ...base, card: d(thu), reminder1: d(tue), reminder2: d(fri) }, '2026-12-16T10:00:00Z', 'note'],
    ['noted already: nothing, ever', { ...base, card: d(thu), reminder1: d(tue), reminder2: d(fri), noted: true }, '2027-01-20T10:00:00Z', 'none'],
    ['acknowledged after a reminder: nothing', { ...base, acknowledged: true, card: d(thu), reminder1: d(tue) }, '2026-12-20T10:00:00Z', 'none'],
  ])('%s', (_what, p, now, expected) => {
    expect(nextStep(p, at(now), s)).toBe(expected);
  });
});
