import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAUSE_LINE, CONTENTS_LINE, isHeadingLike, normalise } from '../../../src/domain/policy/citations.js';
import { POLICIES_DIR, PROFILE_FILES, clauseFileName, parseClauseFile } from '../../../src/domain/policy/load.js';
import { bodyStart, segmentFile, segmentPolicy, type PolicyClause } from '../../../src/domain/policy/segment.js';
import { citationsOf } from '../../../src/domain/policy/profile.js';
import { loadProfiles, readSeeds } from './seeds.js';

const seeds = readSeeds();
const profiles = loadProfiles();
const committed = (schoolId: string) => {
  const loaded = parseClauseFile(readFileSync(path.join(POLICIES_DIR, clauseFileName(schoolId)), 'utf8'), clauseFileName(schoolId), schoolId);
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
};
const clausesOf = (schoolId: string): PolicyClause[] => committed(schoolId).clauses;
const text = (schoolId: string) => seeds[PROFILE_FILES.find((f) => f.schoolId === schoolId)!.seed];
const LABEL_PREFIX = /^\s*(?:[-·*]\s*)?(?:#+\s*)?(?:[A-Z]\.)?\d+(?:\.\d+)*\.?(?:\*\*)?\s+(?:(?:[A-Z]\.)?\d+(?:\.\d+)*\.?\s+)?/;

describe('each school\'s clause file is its seed policy cut into clauses', () => {
  for (const f of PROFILE_FILES) {
    const profile = profiles.find((p) => p.id === f.schoolId)!;

    it(`${f.schoolId}: the committed file is what npm run policies:segment makes from ${f.seed}`, () => {
      expect(committed(f.schoolId)).toEqual(segmentFile(f.schoolId, f.seed, seeds[f.seed], profile.policy.numbered));
    });

    it(`${f.schoolId}: every clause is verbatim in its own policy, and every line of the policy's body is in a clause or is a heading`, () => {
      const clauses = clausesOf(f.schoolId);
      const whole = normalise(seeds[f.seed]);
      for (const c of clauses) expect(whole, c.id).toContain(normalise(c.text));
      const all = clauses.map((c) => normalise(c.text)).join('\n');
      const headings = new Set(clauses.map((c) => c.heading));
      const lines = seeds[f.seed].split(/\r?\n/);
      const missing = lines
        .slice(bodyStart(lines, profile.policy.numbered))
        .filter((l) => l.trim() && !CONTENTS_LINE.test(l) && !isHeadingLike(l))
        .map((l) => normalise(l.replace(LABEL_PREFIX, '').replace(/^\s*(?:[-·•]\s+|o\s+)/, '')))
        .filter((l) => l && !all.includes(l) && !headings.has(l.replace(/:$/, '').replace(/^#+\s*/, '')));
      // Section titles printed with their number ("4. Personal Use of Social Media") are headings, not clauses.
      expect(missing.filter((l) => !headings.has(l.replace(/\*+/g, '').replace(/:\s*$/, '').trim()))).toEqual([]);
    });

    it(`${f.schoolId}: every clause number printed in the policy is a clause, with its label as printed`, () => {
      const clauses = clausesOf(f.schoolId);
      const labels = new Set(clauses.map((c) => c.label));
      const lines = seeds[f.seed].split(/\r?\n/);
      const printed = lines
        .slice(bodyStart(lines, profile.policy.numbered))
        .filter((l) => !CONTENTS_LINE.test(l))
        .map((l) => CLAUSE_LINE.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => m[2] ?? m[1]);
      if (profile.policy.numbered) expect(printed.length).toBeGreaterThan(5);
      expect(printed.filter((l) => !labels.has(l) && !clauses.some((c) => c.heading && lines.some((x) => x.includes(l) && normalise(x).includes(c.heading!))))).toEqual([]);
    });

    it(`${f.schoolId}: every citation of the profile names a clause that holds its quote`, () => {
      const clauses = clausesOf(f.schoolId);
      for (const { at, citation: c } of citationsOf(profile)) {
        const named = clauses.filter((x) =>
          c.clause ? x.label === c.clause && (c.occurrence === undefined || x.occurrence === c.occurrence) : x.heading === normalise(c.heading!),
        );
        expect(named.length, `${at}: ${c.clause ?? c.heading}`).toBeGreaterThan(0);
        expect(named.some((x) => normalise(x.text).includes(normalise(c.quote))), `${at}: "${c.quote}"`).toBe(true);
      }
    });
  }
});

describe('labels as printed', () => {
  it('a number printed twice is told apart by its occurrence, each with its own text', () => {
    const newall = clausesOf('newall-green');
    for (const label of ['6.7', '6.8', '6.18']) {
      const both = newall.filter((c) => c.label === label);
      expect(both.map((c) => c.occurrence), label).toEqual([1, 2]);
      expect(both.map((c) => c.id), label).toEqual([`${label}~1`, `${label}~2`]);
      expect(both[0].text).not.toBe(both[1].text);
    }
    expect(newall.find((c) => c.id === '6.7~2')!.text).toMatch(/^Adults must never connect to or have any contact with a pupil/);
    expect(newall.find((c) => c.id === '6.18~2')!.text).toMatch(/^Adults must devote the whole of their time/);
    expect(newall.filter((c) => c.occurrence).length).toBe(6);
  });

  it('a clause printed with two numbers keeps the appendix number the policy cites itself by; lettered items are <clause>(x)', () => {
    const wootton = clausesOf('wootton');
    const ids = wootton.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['A.1.1', 'A.3.2', 'A.3.7', 'A.5.4', '10.2(a)', '10.2(i)', '5.1(d)', '6.2', '9/1']));
    expect(ids).not.toContain('11.5');
    const i = wootton.find((c) => c.id === '10.2(i)')!;
    expect(i).toMatchObject({ label: '10.2(i)', parent: '10.2', heading: 'RESPONSIBLE USE OF SOCIAL MEDIA' });
    expect(i.text).toMatch(/^\(i\) If you see content in social media that disparages/);
    // The nested (i) of item (a) stays inside (a).
    expect(wootton.find((c) => c.id === '10.2(a)')!.text).toContain('(iv) other affiliates');
    expect(wootton.find((c) => c.id === 'administration-of-the-site/1')!.text).toContain('at least 2 approved administrators');
  });

  it('a policy numbered by section only: each bullet is a clause of its section, under its heading', () => {
    const beechwood = clausesOf('beechwood');
    expect([...new Set(beechwood.map((c) => c.label))]).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const friend = beechwood.find((c) => /decline ‘friend requests’/.test(c.text))!;
    expect(friend).toMatchObject({ label: '4', heading: 'Personal Use of Social Media' });
    expect(friend.text.split('\n')).toHaveLength(1);
    expect(beechwood.find((c) => c.text.startsWith('Beechwood Primary School monitors usage'))).toMatchObject({ label: '4', heading: 'MONITORING OF INTERNET USE' });
  });

  it('an un-numbered policy: passages under their headings as printed, a list kept with the sentence that opens it', () => {
    const westbrook = clausesOf('westbrook');
    const headings = [...new Set(westbrook.map((c) => c.heading))];
    expect(headings.slice(0, 4)).toEqual(['Introduction', 'Purpose of this Policy', 'Who is covered by this policy?', 'Scope and Purpose of this Policy']);
    expect(headings).toContain('Respecting colleagues, pupils, parents, clients, service providers and stakeholders');
    expect(westbrook.every((c) => c.label === undefined || /^[1-7]$/.test(c.label))).toBe(true);
    const list = westbrook.find((c) => c.text.startsWith('Social media should never be used'))!;
    expect(list.text).toContain('- j) Breach our obligations for Keeping Children Safe in Education');
    // A sentence broken across a page keeps its second half.
    expect(westbrook.find((c) => c.text.includes('Any misuse of social media should be reported'))!.text).toContain('head@westbrookprimary.co.uk');
    const moor = clausesOf('moor-nook');
    expect(moor.find((c) => c.text.startsWith('Staff are not permitted to follow'))).toMatchObject({ heading: 'Pupil/Students' });
    expect(moor.every((c) => c.label === undefined)).toBe(true);
  });

  it('an un-numbered policy: numbered steps belong to the passage whose colon introduces them', () => {
    const westbrook = clausesOf('westbrook');
    const steps = westbrook.filter((c) => c.label !== undefined);
    expect(steps.map((c) => c.label)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const lead = westbrook.find((c) => c.id === steps[0].parent)!;
    expect(lead.text).toMatch(/the following steps must be taken:$/);
    expect(lead.heading).toBe(steps[0].heading);
    expect(steps.every((c) => c.parent === lead.id)).toBe(true);
    // A passage that opens no list leads nothing.
    expect(westbrook.filter((c) => c.parent !== undefined)).toHaveLength(7);
  });

  it('numbered steps lead from a colon only under the same heading and only when the passage before them ends in one', () => {
    const made = ['Title', '', 'Intro heading', '', 'A'.repeat(120) + '.', '', 'Steps', '', 'Do these:', '1. one', '2. two', '', 'Other', '', 'No colon here.', '3. three'].join('\n');
    const cut = segmentPolicy(made, false);
    const lead = cut.find((c) => c.text === 'Do these:')!;
    expect(cut.filter((c) => c.label).map((c) => [c.label, c.parent])).toEqual([
      ['1', lead.id],
      ['2', lead.id],
      ['3', undefined],
    ]);
  });

  it('cuts a made-up policy the same way', () => {
    const made = ['Title', '', 'Intro heading', '', 'A'.repeat(120) + '.', '', 'Rules', '', 'We ask:', '- one', '- two', '', 'Another paragraph.'].join('\n');
    expect(segmentPolicy(made, false).map((c) => [c.heading, c.text])).toEqual([
      ['Intro heading', 'A'.repeat(120) + '.'],
      ['Rules', 'We ask:\n- one\n- two'],
      ['Rules', 'Another paragraph.'],
    ]);
  });
});

describe('the clause file is checked when read', () => {
  it('refuses another school\'s file and repeated ids', () => {
    const file = JSON.stringify(committed('wootton'));
    expect(parseClauseFile(file, 'x', 'beechwood')).toMatchObject({ ok: false, problems: [expect.stringContaining('expected "beechwood"')] });
    const doubled = committed('wootton');
    doubled.clauses.push(doubled.clauses[0]);
    expect(parseClauseFile(JSON.stringify(doubled), 'x', 'wootton')).toMatchObject({ ok: false, problems: [expect.stringContaining('repeats')] });
  });
});
