import { describe, expect, it } from 'vitest';
import { checkCitation, checkProfileText, clauseTexts, headingSections, normalise } from '../../../src/domain/policy/citations.js';
import { citationsOf, type PolicyProfile } from '../../../src/domain/policy/profile.js';
import { PROFILE_FILES } from '../../../src/domain/policy/load.js';
import { loadProfiles, profileById, readSeeds } from './seeds.js';

const seeds = readSeeds();
const clone = (p: PolicyProfile): PolicyProfile => structuredClone(p);

describe('the seed policies are there', () => {
  it('finds all five seed texts beside the clone', () => {
    expect(Object.keys(seeds).sort()).toEqual(PROFILE_FILES.map((p) => p.seed).sort());
  });
});

describe('every profile against its own seed text', () => {
  for (const profile of loadProfiles()) {
    it(`${profile.id}: every quote is verbatim in ${profile.policy.sourceFile}, inside the clause or under the heading it names`, () => {
      expect(citationsOf(profile).length).toBeGreaterThan(5);
      expect(checkProfileText(profile, seeds)).toEqual([]);
    });
  }
});

describe('normalise: only Markdown emphasis and escapes, typographic quotes and dashes, white space', () => {
  it('removes * _ \\ and evens out quotes, dashes and white space', () => {
    expect(normalise('**lunchtime/break\nperiod**')).toBe('lunchtime/break period');
    expect(normalise('pupils’ family — ‘friends’ “x”\\_')).toBe(`pupils' family - 'friends' "x"`);
  });
  it('changes nothing else: letters, case and other punctuation count', () => {
    expect(normalise('Headteacher.')).not.toBe(normalise('headteacher'));
    expect(normalise('(If concerns)')).toBe('(If concerns)');
  });
});

describe('the checks fail when a citation is wrong', () => {
  const newall = profileById('newall-green');
  const problemsWith = (mutate: (p: PolicyProfile) => void, base = newall) => {
    const p = clone(base);
    mutate(p);
    return checkProfileText(p, seeds);
  };

  it('a quote changed by one word is reported', () => {
    const problems = problemsWith((p) => {
      p.rules['route.cyberbullying'].citation!.quote = 'Adults must report all incidents of cyberbullying and/or trolling to the Principal.';
    });
    expect(problems).toEqual([expect.stringMatching(/route\.cyberbullying\.citation: quote not found verbatim/)]);
  });

  it("a quote from another school's policy is reported as found only there", () => {
    const problems = problemsWith((p) => {
      p.rules['route.media'] = {
        applies: true,
        value: { tell: ['head'], aboutHead: [], speed: 'immediately' },
        citation: { clause: 'A.3.7', quote: 'All media enquiries must be forwarded to the Principal or other nominated senior manager immediately.' },
      };
    });
    expect(problems).toEqual([expect.stringMatching(/route\.media\.citation: quote found only in another school's policy \(002_8491e48ecbd0bac2\.txt\)/)]);
  });

  it('a quote shared with another policy is fine when it is in its own too (002 and 004 share wording)', () => {
    const wootton = profileById('wootton');
    const beechwood = profileById('beechwood');
    expect(wootton.rules['family.declaration'].citation!.quote).toBe('unless the pupils are family members');
    expect(seeds['004_7db19145d5f86af8.txt']).toContain('unless the pupils are family members');
    expect(checkProfileText(wootton, seeds)).toEqual([]);
    expect(checkProfileText(beechwood, seeds)).toEqual([]);
  });

  it('a clause label the policy does not print is reported', () => {
    const problems = problemsWith((p) => {
      p.rules['route.cyberbullying'].citation!.clause = '11.9';
    });
    expect(problems).toEqual([expect.stringMatching(/clause 11\.9 is not printed as a number/)]);
  });

  it('a quote cited to the wrong clause is reported', () => {
    const problems = problemsWith((p) => {
      p.rules['route.cyberbullying'].citation!.clause = '11.2';
    });
    expect(problems).toEqual([expect.stringMatching(/quote is not in clause 11\.2/)]);
  });

  it("001's duplicated numbers: a 6.7 without occurrence, or the wrong one, is reported", () => {
    expect(clauseTexts(seeds['001_49d2d547513e3045.txt'], '6.7')).toHaveLength(2);
    expect(clauseTexts(seeds['001_49d2d547513e3045.txt'], '6.8')).toHaveLength(2);
    expect(clauseTexts(seeds['001_49d2d547513e3045.txt'], '6.18')).toHaveLength(2);
    expect(
      problemsWith((p) => {
        delete p.rules['route.pupilContact'].citation!.occurrence;
      }),
    ).toEqual([expect.stringMatching(/clause 6\.7 is printed 2 times: say which/)]);
    expect(
      problemsWith((p) => {
        p.rules['route.pupilContact'].citation!.occurrence = 2;
      }),
    ).toEqual([expect.stringMatching(/quote is not in clause 6\.7 \(occurrence 2\)/)]);
  });

  it('a heading the policy does not print, or a quote from another section, is reported (un-numbered 000)', () => {
    const westbrook = profileById('westbrook');
    expect(
      problemsWith((p) => {
        p.rules['personalUse.workTime'].citation!.heading = 'Personal use';
      }, westbrook),
    ).toEqual([expect.stringMatching(/heading not printed as a heading line: "Personal use"/)]);
    expect(
      problemsWith((p) => {
        p.rules['personalUse.workTime'].citation!.heading = 'Monitoring';
      }, westbrook),
    ).toEqual([expect.stringMatching(/quote is not under the heading "Monitoring"/)]);
  });

  it('a quote of a paragraph, not a sentence, is reported', () => {
    const text = seeds['001_49d2d547513e3045.txt'];
    const long = normalise(clauseTexts(text, '8.1')[0]).replace(/^- 8\.1 /, '');
    expect(long.length).toBeGreaterThan(300);
    expect(checkCitation({ clause: '8.1', quote: long }, text)).toEqual([expect.stringMatching(/quote longer than/)]);
  });

  it('a term or a title the policy does not use is reported', () => {
    expect(
      problemsWith((p) => {
        p.terms.headTitle = 'Principal';
        p.policy.date = 'April 2020 revised';
      }),
    ).toEqual([expect.stringMatching(/terms\.headTitle: "Principal"/), expect.stringMatching(/policy\.date/)]);
  });

  it('an advice line and a seeAlso are checked too', () => {
    const problems = problemsWith((p) => {
      p.rules['advice.trolling'].value[0].citation.quote = 'take screenshots of everything';
      p.rules['route.cyberbullying'].seeAlso![0].clause = '6.25';
    });
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/advice\.trolling\.value\[0\]\.citation: quote not found/), expect.stringMatching(/route\.cyberbullying\.seeAlso\[0\]: clause 6\.25/)]),
    );
  });
});

describe('clause and heading finders', () => {
  it('002: appendix lines carrying two numbers are found by the appendix number; a contents line is not a clause', () => {
    const text = seeds['002_8491e48ecbd0bac2.txt'];
    expect(clauseTexts(text, 'A.3.2')).toHaveLength(1);
    expect(clauseTexts(text, 'A.3.2')[0]).toMatch(/^- 11\.14 A\.3\.2 Approval/);
    expect(clauseTexts(text, '8')).toHaveLength(1);
    expect(clauseTexts(text, '8')[0]).toContain('8.4 The use of social media');
    expect(clauseTexts(text, '10.2(i)').length).toBeGreaterThanOrEqual(1);
  });
  it('000: a heading section runs to the next heading', () => {
    const sections = headingSections(seeds['000_4dba96b95ad736e4.txt'], 'Personal use of social media');
    expect(sections).toHaveLength(1);
    expect(sections[0]).toContain('never permitted during working time');
    expect(sections[0]).not.toContain('The contents of our IT resources');
  });
});
