import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BASELINE_FILE, PROFILE_FILES, parseBaseline, parseProfile } from '../../../src/domain/policy/load.js';
import { RULE_IDS, type Rule } from '../../../src/domain/policy/profile.js';
import { loadProfiles, profileById, profileText } from './seeds.js';

const problemsOf = (json: unknown, id?: string) => {
  const r = parseProfile(JSON.stringify(json), 'x.json', id);
  return r.ok ? [] : r.problems;
};

describe('the profile files', () => {
  it('every profile file validates against the schema, under its school id', () => {
    for (const { file, schoolId } of PROFILE_FILES) {
      const r = parseProfile(profileText(file), file, schoolId);
      expect(r.ok ? [] : r.problems, file).toEqual([]);
    }
  });

  it('the baseline validates, and every citation of it is marked as a paraphrase', () => {
    const r = parseBaseline(profileText(BASELINE_FILE));
    expect(r.ok ? [] : r.problems).toEqual([]);
    const text = profileText(BASELINE_FILE);
    expect(text).not.toMatch(/"paraphrase": false/);
  });

  it('the seeded school (config/schools.seed.json) has a profile', () => {
    const seed = JSON.parse(readFileSync('config/schools.seed.json', 'utf8')) as { schools: Array<{ id: string }> };
    const ids = PROFILE_FILES.map((p) => p.schoolId) as string[];
    for (const s of seed.schools) expect(ids).toContain(s.id);
  });

  it('every profile carries every rule id; a silent rule has no citation', () => {
    for (const p of loadProfiles()) {
      expect(Object.keys(p.rules).sort()).toEqual([...RULE_IDS].sort());
      for (const id of RULE_IDS) {
        const rule = p.rules[id] as Rule;
        if (!rule.applies) expect(rule.citation, `${p.id} ${id}`).toBeUndefined();
      }
    }
  });
});

describe('the schema refuses what would mislead', () => {
  const westbrook = () => JSON.parse(profileText('westbrook.json'));

  it('a rule that applies without a citation', () => {
    const p = westbrook();
    delete p.rules['route.media'].citation;
    expect(problemsOf(p)).toEqual(['x.json: rules.route.media: a rule that applies needs a citation']);
  });

  it('a silent rule with a citation (an invented rule)', () => {
    const p = westbrook();
    p.rules['route.pupilContact'].citation = { heading: 'Monitoring', quote: 'x' };
    expect(problemsOf(p)).toEqual(['x.json: rules.route.pupilContact: a rule that does not apply has no citation (the policy is silent)']);
  });

  it('a concern about the head routed to the head', () => {
    const p = westbrook();
    p.rules['route.staffMisuse'].value.aboutHead = ['head'];
    expect(problemsOf(p)).toEqual([expect.stringMatching(/rules\.route\.staffMisuse\.value\.aboutHead: a concern about the head is never routed to the head/)]);
  });

  it('a missing rule, an unknown rule, an unknown role, and a citation with neither clause nor heading, all named at once', () => {
    const p = westbrook();
    delete p.rules['images.names'];
    p.rules['route.gossip'] = p.rules['route.other'];
    p.rules['route.other'].value.tell = ['caretaker'];
    delete p.rules['media.enquiries'].citation.heading;
    const problems = problemsOf(p);
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/rules\.images\.names/);
    expect(problems.join('\n')).toMatch(/route\.gossip/);
    expect(problems.join('\n')).toMatch(/rules\.route\.other\.value\.tell\[0\]/);
    expect(problems.join('\n')).toMatch(/rules\.media\.enquiries\.citation: a citation needs a clause or a heading/);
  });

  it('an advice rule that applies with no lines', () => {
    const p = westbrook();
    p.rules['advice.media'].value = [];
    expect(problemsOf(p)).toEqual(['x.json: rules.advice.media: an applying advice rule needs at least one line']);
  });

  it('text that is not JSON, and a profile filed under another school', () => {
    expect(parseProfile('{ "id": ', 'y.json')).toEqual({ ok: false, problems: [expect.stringMatching(/^y\.json: not valid JSON/)] });
    expect(problemsOf(westbrook(), 'beechwood')).toEqual(['x.json: id is "westbrook", expected "beechwood"']);
  });
});

/** The differences between the five policies that the flows depend on (spec "Each school's own policy"). */
describe('each school keeps its own rules', () => {
  const p = {
    westbrook: profileById('westbrook'),
    newall: profileById('newall-green'),
    wootton: profileById('wootton'),
    moor: profileById('moor-nook'),
    beech: profileById('beechwood'),
  };

  it('who approves an official account', () => {
    expect(p.westbrook.rules['accounts.approval'].value.chain).toEqual(['head']);
    expect(p.newall.rules['accounts.approval'].value.chain).toEqual(['head']);
    expect(p.wootton.rules['accounts.approval'].value.chain).toEqual(['lineManager', 'seniorManager', 'head']);
    expect(p.moor.rules['accounts.approval'].value.chain).toEqual(['slt']);
    expect(p.beech.rules['accounts.approval'].value.chain).toEqual(['head']);
  });

  it('family relationships: 001 declares to the head; 002 and 004 keep contact; 003 has no family exception; 000 is silent', () => {
    expect(p.newall.rules['family.declaration'].value).toMatchObject({ mustDeclare: true, declareTo: ['head'], contactMayContinue: 'onceAcknowledged' });
    expect(p.wootton.rules['family.declaration'].value).toMatchObject({ familyException: true, mustDeclare: false });
    expect(p.beech.rules['family.declaration'].value).toMatchObject({ familyException: true, mustDeclare: false, contactMayContinue: 'yes' });
    expect(p.moor.rules['family.declaration'].value).toMatchObject({ familyException: false, contactMayContinue: 'no' });
    expect(p.westbrook.rules['family.declaration'].applies).toBe(false);
  });

  it('the head title, and the chair only where the policy names one', () => {
    expect(p.wootton.terms.headTitle).toBe('Principal');
    expect(p.newall.terms.chairTitle).toBe('Chair of Governors');
    expect(p.newall.rules['route.indecentImagesOfChildren'].value).toMatchObject({ tell: ['head'], aboutHead: ['chair'], speed: 'immediately' });
    for (const other of [p.westbrook, p.wootton, p.moor, p.beech]) expect(other.terms.chairTitle).toBeUndefined();
  });

  it('minimum age only where the policy says it (002 §8.3, 004 §7)', () => {
    expect(p.wootton.rules['accounts.minimumAge'].value).toEqual({ respectPlatformMinimum: true, usualAge: 13 });
    expect(p.beech.rules['accounts.minimumAge'].citation?.clause).toBe('7');
    for (const other of [p.westbrook, p.newall, p.moor]) expect(other.rules['accounts.minimumAge'].applies).toBe(false);
  });
});
