import { describe, expect, it } from 'vitest';
import { fromLondonDateTime, describeDay, describeWhen, londonDate, londonDateTime, mediumDay, mediumTime, shortTime, weekdayAndDate } from '../../src/domain/time.js';

// 2026-07-01T23:30Z is 00:30 on 2 July in London (BST); 2026-01-31T23:30Z is still 31 January (GMT).
const SUMMER_NIGHT = '2026-07-01T23:30:00Z';
const WINTER_NIGHT = '2026-01-31T23:30:00Z';

describe('school time: every date and time in UK time, whatever the server says', () => {
  it.each([
    ['wall clock', londonDateTime, SUMMER_NIGHT, '2026-07-02T00:30'],
    ['wall clock', londonDateTime, WINTER_NIGHT, '2026-01-31T23:30'],
    ['date', londonDate, SUMMER_NIGHT, '2026-07-02'],
    ['date', londonDate, WINTER_NIGHT, '2026-01-31'],
    ['day in words', describeDay, SUMMER_NIGHT, '2 July 2026'],
    ['weekday and date (an unfinished flow)', weekdayAndDate, SUMMER_NIGHT, 'Thursday 2 July'],
    ['card time', shortTime, SUMMER_NIGHT, 'Thu 2 Jul, 00:30'],
    ['card time', shortTime, WINTER_NIGHT, 'Sat 31 Jan, 23:30'],
    ['tab time', mediumTime, SUMMER_NIGHT, '2 Jul 2026, 00:30'],
    ['tab date', mediumDay, SUMMER_NIGHT, '2 Jul 2026'],
    ['tab date', mediumDay, WINTER_NIGHT, '31 Jan 2026'],
  ] as const)('%s of %s', (_what, format, iso, expected) => {
    expect(format(iso)).toBe(expected);
    expect(format(new Date(iso))).toBe(expected);
  });

  it.each([
    ['ongoing', 'Ongoing'],
    ['2026-03-01', '1 March 2026'],
    ['2026-03-01T14:30', '1 March 2026, 14:30'],
    ['2026-13-01', '2026-13-01'],
    ['last week', 'last week'],
  ])('a stored "when" %s reads %s', (when, expected) => {
    expect(describeWhen(when)).toBe(expected);
  });

  it.each([
    ['2026-01-31T23:30', '2026-01-31T23:30:00.000Z'],
    ['2026-07-02T00:30', '2026-07-01T23:30:00.000Z'],
    ['2026-03-29T02:30', '2026-03-29T01:30:00.000Z'],
    ['2026-10-25T12:00', '2026-10-25T12:00:00.000Z'],
  ])('the UK wall-clock time %s is the instant %s', (wall, iso) => {
    expect(fromLondonDateTime(wall)?.toISOString()).toBe(iso);
  });

  it.each(['2026-02-30T10:00', '2026-03-01T24:00', '2026-03-01', 'soon'])('%s is not a UK date and time', (wall) => {
    expect(fromLondonDateTime(wall)).toBeUndefined();
  });

  it('imports nothing, so the Cases tab can bundle it', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('src/domain/time.ts', 'utf8')).not.toMatch(/^\s*import\s/m);
  });
});
