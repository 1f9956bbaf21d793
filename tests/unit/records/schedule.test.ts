import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBaseline, parseProfile } from '../../../src/domain/policy/load.js';
import { addPeriod, disposalOf, earliestPossibleDue, effectiveSchedule, isDue, retainedCase, type RetainedRecord } from '../../../src/domain/records/schedule.js';
import type { CaseRecord } from '../../../src/domain/cases/types.js';

const loaded = parseBaseline(readFileSync('config/policies/statutory-baseline.json', 'utf8'));
if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
const baseline = loaded.value;
const schedule = effectiveSchedule(baseline, undefined);

const rec = (r: Partial<RetainedRecord>): RetainedRecord => ({ kind: 'incident', category: 'cyberbullying', createdAt: '2026-01-10T10:00:00Z', endedAt: '2026-03-05T10:00:00Z', ...r });

describe('the default schedule', () => {
  it('every line names its source, and the sources are the baseline\'s', () => {
    const titles = new Set(baseline.sources.map((s) => s.title));
    for (const l of baseline.retention.lines) {
      expect(titles.has(l.citation.source), `${l.record}/${l.match}`).toBe(true);
      expect(l.citation.paraphrase).toBe(true);
    }
    expect(baseline.sources.map((s) => s.id)).toEqual(expect.arrayContaining(['irms', 'kcsie', 'ukgdpr']));
  });

  // Each kind and category: when it is due (the first instant, UTC) and what then.
  const table: Array<[string, Partial<RetainedRecord>, { due: string; then: 'destroy' | 'review' } | 'live' | 'held' | 'unscheduled']> = [
    ['ordinary incident: 6 years after closure', {}, { due: '2032-03-06T00:00:00.000Z', then: 'destroy' }],
    ['trolling: 2 years after closure', { category: 'trolling' }, { due: '2028-03-06T00:00:00.000Z', then: 'destroy' }],
    ['disparaging: 2 years after closure', { category: 'disparaging' }, { due: '2028-03-06T00:00:00.000Z', then: 'destroy' }],
    ['safeguarding: 25 years after closure, then reviewed', { category: 'indecentImagesOfChildren', safeguarding: true }, { due: '2051-03-06T00:00:00.000Z', then: 'review' }],
    ['safeguarding trolling: the longest line wins', { category: 'trolling', safeguarding: true }, { due: '2051-03-06T00:00:00.000Z', then: 'review' }],
    ['allegation: 10 years from the allegation, reviewed (safeguarding too: 25 years)', { category: 'staffMisuse', allegation: true, safeguarding: true }, { due: '2051-03-06T00:00:00.000Z', then: 'review' }],
    ['allegation, not safeguarding: 10 years from the allegation (6 after closure is shorter)', { category: 'staffMisuse', allegation: true }, { due: '2036-01-11T00:00:00.000Z', then: 'review' }],
    ['an open incident is live', { endedAt: undefined }, 'live'],
    ['a held incident is kept', { legalHold: true, endedAt: '2000-01-01T00:00:00Z' }, 'held'],
    ['account request: 6 years after it ended', { kind: 'accountRequest', category: 'instagram' }, { due: '2032-03-06T00:00:00.000Z', then: 'destroy' }],
    ['account still live', { kind: 'accountRequest', endedAt: undefined }, 'live'],
    ['declaration: 6 years after the member left', { kind: 'familyDeclaration', endedAt: '2027-08-31T12:00:00Z' }, { due: '2033-08-31T23:00:00.000Z', then: 'destroy' }],
    ['conversation reference of a leaver: at once', { kind: 'conversationRef', endedAt: undefined, leftAt: '2026-07-20T15:00:00Z' }, { due: '2026-07-20T23:00:00.000Z', then: 'destroy' }],
    ['conversation reference of someone still here', { kind: 'conversationRef', endedAt: undefined }, 'live'],
    ['directory entry of a leaver', { kind: 'directoryEntry', endedAt: undefined, leftAt: '2026-12-20T15:00:00Z' }, { due: '2026-12-21T00:00:00.000Z', then: 'destroy' }],
  ];
  it.each(table)('%s', (_name, r, want) => {
    const d = disposalOf(rec(r), schedule);
    if (typeof want === 'string') expect(d.state).toBe(want);
    else expect(d).toMatchObject({ state: 'scheduled', ...want });
  });
});

describe('boundary days and the UK time zone', () => {
  it('is kept through the whole anniversary day (UK time) and due at the next UK midnight', () => {
    const d = disposalOf(rec({ category: 'trolling', endedAt: '2026-06-15T09:00:00Z' }), schedule);
    // 2028-06-16 00:00 BST is 2028-06-15 23:00 UTC.
    expect(d).toMatchObject({ due: '2028-06-15T23:00:00.000Z' });
    expect(isDue(d, new Date('2028-06-15T22:59:59.999Z'))).toBe(false);
    expect(isDue(d, new Date('2028-06-15T23:00:00.000Z'))).toBe(true);
  });

  it('a case closed at 00:30 BST counts from that UK day, not the UTC day before', () => {
    // 2026-04-01 00:30 BST = 2026-03-31 23:30 UTC.
    const d = disposalOf(rec({ category: 'trolling', endedAt: '2026-03-31T23:30:00Z' }), schedule);
    expect(d).toMatchObject({ due: '2028-04-01T23:00:00.000Z' }); // 2028-04-02 00:00 BST
  });

  it('across the clock change: closed in GMT, due in BST and the other way', () => {
    expect(disposalOf(rec({ category: 'trolling', endedAt: '2026-03-28T23:59:00Z' }), schedule)).toMatchObject({ due: '2028-03-28T23:00:00.000Z' }); // 29 March 2028 is BST
    // Closed 01:30 BST on the morning the clocks go back: the UK day is 25 October; 26 October 2028 is still BST.
    expect(disposalOf(rec({ category: 'trolling', endedAt: '2026-10-25T00:30:00Z' }), schedule)).toMatchObject({ due: '2028-10-25T23:00:00.000Z' });
    // Closed late in the evening in November (GMT): due at midnight GMT.
    expect(disposalOf(rec({ category: 'trolling', endedAt: '2026-11-05T23:30:00Z' }), schedule)).toMatchObject({ due: '2028-11-06T00:00:00.000Z' });
  });

  it('29 February plus whole years is 28 February; month ends clamp', () => {
    expect(addPeriod('2028-02-29', { years: 2 })).toBe('2030-02-28');
    expect(addPeriod('2028-02-29', { years: 4 })).toBe('2032-02-29');
    expect(addPeriod('2026-01-31', { months: 1 })).toBe('2026-02-28');
    expect(addPeriod('2026-12-31', { days: 1 })).toBe('2027-01-01');
    expect(addPeriod('2026-11-30', { months: 3, days: 2 })).toBe('2027-03-02');
  });
});

describe('a school\'s own lines', () => {
  it('replace the baseline line for the same record and match, and add new ones', () => {
    const westbrook = JSON.parse(readFileSync('config/policies/westbrook.json', 'utf8'));
    westbrook.retention = {
      lines: [
        { record: 'incident', match: 'trolling', label: 'Trolling', keepFor: { years: 1 }, from: 'ended', then: 'destroy', citation: { source: 'UK GDPR', text: 'No longer than necessary.', paraphrase: true } },
        { record: 'incident', match: 'media', label: 'Media enquiries', keepFor: { months: 6 }, from: 'ended', then: 'destroy', citation: { source: 'UK GDPR', text: 'No longer than necessary.', paraphrase: true } },
      ],
    };
    const p = parseProfile(JSON.stringify(westbrook), 'westbrook.json', 'westbrook');
    if (!p.ok) throw new Error(p.problems.join('\n'));
    const s = effectiveSchedule(baseline, p.value);
    expect(s.find((l) => l.match === 'trolling')).toMatchObject({ origin: 'school', keepFor: { years: 1 } });
    expect(s.find((l) => l.match === 'media')).toMatchObject({ origin: 'school' });
    expect(s.filter((l) => l.origin === 'baseline').length).toBe(baseline.retention.lines.length - 1);
    expect(disposalOf(rec({ category: 'media' }), s)).toMatchObject({ due: '2026-09-05T23:00:00.000Z' });
  });

  it('a line that repeats a record and match, or matches a category on a non-incident, is refused', () => {
    const westbrook = JSON.parse(readFileSync('config/policies/westbrook.json', 'utf8'));
    const line = { record: 'incident', match: 'trolling', label: 'T', keepFor: { years: 1 }, from: 'ended', then: 'destroy', citation: { source: 'UK GDPR', text: 'x', paraphrase: true } };
    westbrook.retention = { lines: [line, line] };
    expect(parseProfile(JSON.stringify(westbrook)).ok).toBe(false);
    westbrook.retention = { lines: [{ ...line, record: 'accountRequest' }] };
    expect(parseProfile(JSON.stringify(westbrook)).ok).toBe(false);
    westbrook.retention = { lines: [{ ...line, keepFor: {} }] };
    expect(parseProfile(JSON.stringify(westbrook)).ok).toBe(false);
  });
});

describe('a case as the schedule sees it', () => {
  const base: CaseRecord = {
    schoolId: 's', id: '0123456789abcdef', reference: 'SM-2026-0001', kind: 'incident', category: 'cyberbullying', status: 'closed',
    routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] },
    submitter: { aadObjectId: 'a', name: 'A' }, answers: {}, createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-02-01T10:00:00Z',
  };
  it('a closed incident ends at its last change; an open one has not ended; a hold holds', () => {
    expect(retainedCase(base).endedAt).toBe('2026-02-01T10:00:00Z');
    expect(retainedCase({ ...base, status: 'inProgress' }).endedAt).toBeUndefined();
    expect(disposalOf(retainedCase({ ...base, legalHold: { by: { aadObjectId: 'd', name: 'D' }, at: '2026-02-02T00:00:00Z', reason: 'claim' } }), schedule).state).toBe('held');
  });
  it('an approved account request ends when its account is closed; an acknowledged declaration when its maker leaves', () => {
    const req = { ...base, kind: 'accountRequest' as const, status: 'approved' as const, stage: { register: { closedAt: '2027-01-01T10:00:00Z' } } };
    expect(retainedCase(req).endedAt).toBe('2027-01-01T10:00:00Z');
    expect(retainedCase({ ...req, stage: { register: {} } }).endedAt).toBeUndefined();
    const decl = { ...base, kind: 'familyDeclaration' as const, status: 'acknowledged' as const };
    expect(retainedCase(decl).endedAt).toBeUndefined();
    expect(retainedCase(decl, { leftAt: '2028-07-31T10:00:00Z' }).endedAt).toBe('2028-07-31T10:00:00Z');
    expect(retainedCase({ ...decl, status: 'withdrawn' }).endedAt).toBe('2026-02-01T10:00:00Z');
  });
});

describe('the sweeper\'s shortcut', () => {
  it('no record is due before the shortest line of its kind has run from the day it was made', () => {
    expect(earliestPossibleDue('incident', 'trolling', '2026-03-05T10:00:00Z', schedule)).toBe('2028-03-06T00:00:00.000Z'); // 2 years
    expect(earliestPossibleDue('incident', 'cyberbullying', '2026-03-05T10:00:00Z', schedule)).toBe('2032-03-06T00:00:00.000Z'); // 6 years
    expect(earliestPossibleDue('accountRequest', 'instagram', '2026-03-05T10:00:00Z', schedule)).toBe('2032-03-06T00:00:00.000Z');
    expect(earliestPossibleDue('incident', 'trolling', '2026-03-05T10:00:00Z', [])).toBeUndefined();
    // Never later than the real due date of any record.
    for (const r of [{ category: 'trolling' }, { category: 'cyberbullying' }, { category: 'trolling', safeguarding: true }, { category: 'staffMisuse', allegation: true }, { kind: 'familyDeclaration' as const, category: 'parent' }]) {
      const d = disposalOf(rec(r), schedule);
      expect(d.state).toBe('scheduled');
      if (d.state === 'scheduled') expect(earliestPossibleDue(rec(r).kind, r.category, rec(r).createdAt, schedule)! <= d.due).toBe(true);
    }
    // Only the class lines of a kind with no line of its own: the shortest of them.
    const classOnly = schedule.filter((l) => l.record !== 'incident' || l.match === 'safeguarding' || l.match === 'allegation');
    expect(earliestPossibleDue('incident', 'media', '2026-03-05T10:00:00Z', classOnly)).toBe('2036-03-06T00:00:00.000Z');
  });
});
