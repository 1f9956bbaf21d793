import { describe, expect, it } from 'vitest';
import { analyse, PolicyAsk, PolicyIndex, answerQuestion, clauseFlows, shorten } from '../../../src/domain/policy/ask.js';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';

const { profiles, baseline, clauses } = readPolicyFiles('config/policies');
const ask = new PolicyAsk(clauses);
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
const top = (school: string, q: string) => {
  const r = ask.forSchool(school)!.ask(q);
  return r.covered ? r.hits[0].clause.id : 'not covered';
};

describe('the words of a question and of a policy meet', () => {
  it('American spellings, staff vocabulary and plurals fold into the policy\'s words', () => {
    expect(analyse('organize behavior')).toEqual(analyse('organise behaviour'));
    expect(analyse('kid')).toEqual(analyse('pupils'));
    expect(analyse('pics')).toEqual(analyse('photographs'));
    expect(analyse('journalist')).toEqual(analyse('the press'));
    expect(analyse('upload')).toEqual(analyse('share'));
    expect(analyse('my mum')).toEqual(analyse('parents'));
    expect(analyse('trolling')).toEqual(analyse('nasty'));
    expect(analyse('follow her')).toEqual(analyse('add her'));
    expect(analyse('a friend request')).toContain('friendrequest');
  });

  it('a slip in a long word of a question is forgiven; the policy\'s words are taken as printed', () => {
    expect(analyse('jounalist', true)).toEqual(analyse('journalist'));
    expect(analyse('jounalist')).not.toEqual(analyse('journalist'));
  });
});

describe('answers and "not covered"', () => {
  it('the same question finds each school\'s own clause', () => {
    const q = 'a journalist rang asking about the school';
    expect(top('westbrook', q)).toMatch(/^educational-or-extra-curricular/);
    expect(top('moor-nook', q)).toBe('behaviour/4');
    expect(['8.2', 'A.3.7']).toContain(top('wootton', q));
  });

  it('a question no policy answers is not covered, whatever weak match there is', () => {
    for (const school of ['westbrook', 'newall-green', 'wootton', 'beechwood']) expect(top(school, "what's the wifi password")).toBe('not covered');
    expect(top('beechwood', '')).toBe('not covered');
  });

  it('at most three clauses, each at least a good share of the best', () => {
    const r = new PolicyIndex(clauses.find((c) => c.schoolId === 'newall-green')!).ask('someone is trolling me online what do i do');
    expect(r.covered).toBe(true);
    expect(r.hits.length).toBeLessThanOrEqual(3);
    expect(r.hits.every((h) => h.score >= r.hits[0].score * 0.45)).toBe(true);
  });

  it('a clause leads to a flow when the school\'s own profile cites it for that flow\'s rule', () => {
    const beechwood = clauses.find((c) => c.schoolId === 'beechwood')!;
    const flows = clauseFlows(profiles.get('beechwood'), beechwood.clauses);
    const family = beechwood.clauses.find((c) => c.text.startsWith('Beechwood Primary School does not expect staff members to discontinue contact'))!;
    expect([...(flows.get(family.id) ?? [])]).toContain('declare');
    expect(clauseFlows(undefined, beechwood.clauses).size).toBe(0);
  });

  it('a long clause is shortened at a sentence, and says so', () => {
    const long = 'First sentence here. '.repeat(60);
    const s = shorten(long, 200);
    expect(s.shortened).toBe(true);
    expect(s.text.length).toBeLessThanOrEqual(202);
    expect(s.text).toMatch(/here\. …$/);
    expect(shorten('Short.', 200)).toEqual({ text: 'Short.', shortened: false });
  });

  it('the answer uses the school\'s own citation style and head title', () => {
    const school = { id: 'wootton', name: 'Wootton Academy', headTitle: 'Principal' };
    const a = answerQuestion(policies.of(school), ask.forSchool('wootton'), 'how many admins does a school site need');
    expect(a.covered && a.clauses.every((c) => c.cite.startsWith('Wootton policy'))).toBe(true);
    const n = answerQuestion(policies.of(school), ask.forSchool('wootton'), 'when is the next inset day');
    expect(n).toMatchObject({ covered: false, held: true, askWho: 'Principal' });
  });
});

describe('an answer about posting photos on the school\'s accounts offers "Propose a post"', () => {
  it.each([
    ['westbrook', 'can I put photos of the children on the school facebook page'],
    ['moor-nook', 'can I post pictures of pupils on the school account'],
  ])('%s: %s', (id, q) => {
    const a = answerQuestion(policies.of({ id, name: id, headTitle: 'Headteacher' }), ask.forSchool(id), q);
    expect(a.covered).toBe(true);
    expect(a.covered && a.flows).toContain('proposePost');
  });

  it('an answer about something else does not', () => {
    const a = answerQuestion(policies.of({ id: 'westbrook', name: 'westbrook', headTitle: 'Headteacher' }), ask.forSchool('westbrook'), 'a parent sent me a friend request');
    expect(a.covered && a.flows).not.toContain('proposePost');
  });
});
