import { describe, expect, it } from 'vitest';
import { REVIEW_PERSON, REVIEW_TEXT, markForReview, namesPerson, postSource, whereInCase } from '../../../src/domain/records/subject-access.js';
import { successorFor } from '../../../src/domain/records/leavers.js';
import type { CaseDetail } from '../../../src/domain/cases/ports.js';
import type { CaseRecord } from '../../../src/domain/cases/types.js';
import type { Member } from '../../../src/domain/directory/directory.js';

const me = { aadObjectId: 'aaaa', name: 'Jordan Blake' };
const other = { aadObjectId: 'bbbb', name: 'Casey Jones' };

describe('finding a name in free text', () => {
  it.each([
    ['Jordan Blake was mocked', true],
    ['spoke to jordan   BLAKE’s mother', true],
    ['Jordan\nBlake', true],
    ['Jordan Blakemore', false],
    ['MJordan Blake', false],
    ['Jordan was there; Blake too', false],
    ['', false],
  ])('%j → %s', (text, found) => expect(namesPerson(text, 'Jordan Blake')).toBe(found));
  it('a name with regular-expression characters is taken literally', () => {
    expect(namesPerson('O’Neil (Jr.) came', 'O’Neil (Jr.)')).toBe(true);
    expect(namesPerson('anything', '.*')).toBe(false);
  });
});

describe('marking other people for redaction review', () => {
  it('marks other people and free text; leaves the subject, codes and dates', () => {
    const { data, marks } = markForReview(
      {
        reference: 'SM-2026-0001', category: 'cyberbullying', createdAt: '2026-01-01T00:00:00Z',
        submitter: me, assignee: other,
        answers: { whatHappened: 'Casey Jones posted it', platform: 'tiktok', pupilName: 'Sam' },
        events: [{ type: 'noted', actor: other, detail: 'Called home' }],
        who: 'Jordan Blake',
      },
      me,
    );
    expect(marks).toBe(5);
    expect(data).toMatchObject({
      reference: 'SM-2026-0001', category: 'cyberbullying', createdAt: '2026-01-01T00:00:00Z', submitter: me, who: 'Jordan Blake',
      assignee: { redactionReview: REVIEW_PERSON, ...other },
      answers: { whatHappened: { redactionReview: REVIEW_TEXT, text: 'Casey Jones posted it' }, platform: 'tiktok', pupilName: { redactionReview: REVIEW_TEXT, text: 'Sam' } },
      events: [{ type: 'noted', actor: { redactionReview: REVIEW_PERSON }, detail: { redactionReview: REVIEW_TEXT } }],
    });
  });
  it('a subject known only by name has every person marked', () => {
    expect(markForReview({ submitter: me }, { name: 'Someone Else' }).data).toEqual({ submitter: { redactionReview: REVIEW_PERSON, ...me } });
  });
});

const base: CaseRecord = {
  schoolId: 's', id: '0123456789abcdef', reference: 'SM-2026-0001', kind: 'incident', category: 'cyberbullying', status: 'inProgress',
  routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] },
  submitter: other, answers: { whatHappened: 'nothing' }, createdAt: '2026-01-01T10:00:00Z', updatedAt: '2026-02-01T10:00:00Z',
};
const detail = (c: Partial<CaseRecord>, d: Partial<CaseDetail> = {}): CaseDetail => ({ case: { ...base, ...c }, events: [], evidence: [], outbox: [], ...d });

describe('where a person appears in a case', () => {
  it('by id in every role, and by name in answers, chronology and outcome', () => {
    expect(whereInCase(detail({}), me)).toEqual([]);
    expect(whereInCase(detail({ submitter: me }), me)).toEqual(['made it']);
    expect(whereInCase(detail({ assignee: me }), me)).toEqual(['assigned to it']);
    expect(whereInCase(detail({ routing: { ...base.routing, subject: me } }), me)).toContain('the person it is about');
    expect(whereInCase(detail({ answers: { whatHappened: 'Jordan Blake again' } }), { name: 'Jordan Blake' })).toEqual(['named in its answers']);
    expect(whereInCase(detail({}, { events: [{ at: '', type: 'noted', detail: 'rang jordan blake' }] }), { name: 'Jordan Blake' })).toEqual(['named in its chronology']);
    expect(whereInCase(detail({ outcome: 'Jordan Blake apologised' }), { name: 'Jordan Blake' })).toEqual(['named in its outcome']);
    expect(whereInCase(detail({}, { outbox: [{ id: 'o', schoolId: 's', caseId: base.id, kind: 'sltNotice', recipient: me, payload: {}, state: 'delivered', attempts: 1, nextAttemptAt: '', createdAt: '' }] }), me)).toEqual(['was told of it']);
  });
});

describe('who takes a leaver\'s case', () => {
  const m = (aad: string, roles: Member['roles']): Member => ({ schoolId: 's', aadObjectId: aad, name: aad, roles });
  const people = [m('leaver', ['staff', 'slt', 'dsl']), m('slt', ['staff', 'slt']), m('head', ['staff', 'headteacher']), m('deputy', ['staff', 'deputyDsl']), m('chair', ['chair'])];
  it.each([
    ['an ordinary case: the head', {}, 'head'],
    ['a safeguarding case: another safeguarding lead before the head', { safeguarding: true, queue: 'dsl' as const }, 'deputy'],
    ['a case about the head: the chair, never the head', { aboutHead: true, queue: 'chair' as const }, 'chair'],
  ])('%s', (_n, routing, want) => {
    expect(successorFor({ ...base, routing: { ...base.routing, ...routing } }, people, 'leaver')?.aadObjectId).toBe(want);
  });
  it('nobody who may see it: no one (it is left unassigned)', () => {
    expect(successorFor({ ...base, routing: { ...base.routing, aboutHead: true, queue: 'chair' } }, people.filter((p) => p.aadObjectId !== 'chair' && p.aadObjectId !== 'deputy'), 'leaver')).toBeUndefined();
  });
});

describe('the post register as a record source', () => {
  const post = {
    reference: 'SM-2026-0101',
    accountName: 'School Facebook',
    platform: 'facebook',
    approvedAt: '2026-11-20T10:00:00.000Z',
    proposedBy: other,
    approvedBy: { aadObjectId: 'cccc', name: 'Head Teacher' },
    pupils: [{ name: 'Ava Brown' }, { name: 'Dan Evans' }],
    text: 'Year 4 at the science fair',
  };
  const collect = async (src: ReturnType<typeof postSource>, subject: { name: string; aadObjectId?: string }) => {
    const out = [];
    for await (const r of src.find('school-1', subject)) out.push(r);
    return out;
  };

  it('finds a pupil named in an approved post, with the staff and the other pupils marked for review', async () => {
    const asked: unknown[] = [];
    const src = postSource({ postsAbout: async (schoolId, who) => (asked.push([schoolId, who]), [post]) });
    const [found, ...rest] = await collect(src, { name: 'Ava Brown' });
    expect(rest).toEqual([]);
    expect(asked).toEqual([['school-1', { name: 'Ava Brown' }]]);
    expect(found).toMatchObject({ source: 'posts', ref: 'SM-2026-0101', why: ['a pupil named in the post'], images: [] });
    const data = found.data as { pupils: unknown[]; proposedBy: unknown; approvedBy: unknown; text: unknown };
    expect(data.pupils).toEqual([{ name: 'Ava Brown' }, { name: { redactionReview: REVIEW_TEXT, text: 'Dan Evans' } }]);
    expect(data.proposedBy).toEqual({ redactionReview: REVIEW_PERSON, ...other });
    expect(data.approvedBy).toMatchObject({ redactionReview: REVIEW_PERSON });
    expect(data.text).toEqual({ redactionReview: REVIEW_TEXT, text: post.text });
  });

  it('finds the member of staff who proposed it by their id, and nothing when the register has nothing', async () => {
    const [found] = await collect(postSource({ postsAbout: async () => [post] }), other);
    expect(found.why).toEqual(['proposed it']);
    expect((found.data as { proposedBy: unknown }).proposedBy).toEqual(other);
    expect(await collect(postSource({ postsAbout: async () => [] }), me)).toEqual([]);
  });
});
