import { describe, expect, it } from 'vitest';
import { effectiveRule, mergeEvidence, mergeRoute } from '../../../src/domain/policy/effective.js';
import { BASELINE_RULE_IDS, EVIDENCE, POLICY_CATEGORIES, RULE_IDS, SPEEDS, type AdviceLine, type PolicyProfile, type RouteValue } from '../../../src/domain/policy/profile.js';
import { loadBaseline, loadProfiles, profileById } from './seeds.js';

const baseline = loadBaseline();
const route = (tell: RouteValue['tell'], speed: RouteValue['speed'], aboutHead: RouteValue['aboutHead'] = [], extra: Partial<RouteValue> = {}): RouteValue => ({ tell, aboutHead, speed, ...extra });

describe('combining a route with the baseline', () => {
  it('who must be told is the union; the speed is the stricter', () => {
    const { value, strengthened } = mergeRoute(route(['head'], 'unspecified'), route(['dsl'], 'immediately'));
    expect(value).toEqual(route(['head', 'dsl'], 'immediately'));
    expect(strengthened).toEqual(['also told: dsl', 'speed: immediately (the policy: unspecified)']);
  });

  it('a stricter profile is kept as it is', () => {
    const { value, strengthened } = mergeRoute(route(['head', 'dsl'], 'immediately', ['chair']), route(['dsl'], 'promptly'));
    expect(value).toEqual(route(['head', 'dsl'], 'immediately', ['chair']));
    expect(strengthened).toEqual([]);
  });

  it('"any one of them" is dropped when the baseline requires someone: everyone listed is told', () => {
    const { value } = mergeRoute(route(['head', 'slt'], 'unspecified', [], { anyOf: true }), route(['head'], 'promptly', ['chair']));
    expect(value).toEqual(route(['head', 'slt'], 'promptly', ['chair']));
    expect(value.anyOf).toBeUndefined();
  });

  it('outside referrals are added, and the shorter deadline wins', () => {
    const { value } = mergeRoute(route(['head'], 'immediately', [], { external: [{ body: 'lado', within: 'unspecified' }] }), route(['head'], 'promptly', ['chair'], { external: [{ body: 'lado', within: 'oneWorkingDay' }, { body: 'ico', within: '72hours' }] }));
    expect(value.external).toEqual([{ body: 'lado', within: 'oneWorkingDay' }, { body: 'ico', within: '72hours' }]);
  });

  it('a silent policy takes the baseline', () => {
    expect(mergeRoute(undefined, route(['dpo'], 'promptly')).value).toEqual(route(['dpo'], 'promptly'));
  });
});

describe('evidence: forbidden wins', () => {
  it.each([
    ['advised', 'forbidden', 'forbidden'],
    ['required', 'forbidden', 'forbidden'],
    ['forbidden', 'allowed', 'forbidden'],
    ['advised', 'required', 'required'],
    ['unspecified', 'allowed', 'allowed'],
  ] as const)('%s with %s → %s', (own, base, want) => {
    expect(mergeEvidence(own, base)).toBe(want);
  });
});

describe('effectiveRule on the real profiles', () => {
  it('indecent images of children at Newall Green: the head (policy 8.1) and the DSL (UKCIS), the chair when about the head, screenshots forbidden', () => {
    const r = effectiveRule(profileById('newall-green'), baseline, 'route.indecentImagesOfChildren');
    expect(r.value).toEqual(route(['head', 'dsl'], 'immediately', ['chair']));
    expect(r.citations.map((c) => (c.from === 'policy' ? c.citation.clause : c.citation.source))).toEqual(['8.1', '8.1', 'Sharing nudes and semi-nudes: advice for education settings working with children and young people', 'Keeping children safe in education']);
    expect(effectiveRule(profileById('newall-green'), baseline, 'evidence.indecentImagesOfChildren').value).toBe('forbidden');
  });

  it('Beechwood names nobody: the baseline routes indecent images to the DSL, a data breach to the DPO', () => {
    const beech = profileById('beechwood');
    expect(effectiveRule(beech, baseline, 'route.indecentImagesOfChildren')).toMatchObject({ applies: true, value: route(['dsl'], 'immediately') });
    expect(effectiveRule(beech, baseline, 'route.dataBreach').value).toEqual(route(['dpo'], 'promptly', [], { external: [{ body: 'ico', within: '72hours' }] }));
    expect(effectiveRule(beech, baseline, 'route.cyberbullying')).toMatchObject({ applies: false, citations: [] });
  });

  it('Wootton staff misuse: the Principal immediately (5.4), the chair when about the Principal and the LADO within one working day (KCSIE), with the harm threshold shown', () => {
    const r = effectiveRule(profileById('wootton'), baseline, 'route.staffMisuse');
    expect(r.value).toEqual(route(['head'], 'immediately', ['chair'], { external: [{ body: 'lado', within: 'oneWorkingDay' }] }));
    expect(r.conditions).toEqual([expect.stringMatching(/harm threshold/)]);
  });

  it('a profile advising screenshots of indecent images would lose that advice; statutory advice is added', () => {
    const p: PolicyProfile = structuredClone(profileById('newall-green'));
    const screenshot: AdviceLine = { kind: 'takeScreenshots', text: 'Take screenshots.', citation: { clause: '11.2', quote: "Adults are advised to take screen prints or 'screenshots' of messages or web pages" } };
    p.rules['advice.indecentImagesOfChildren'] = { applies: true, value: [screenshot] };
    p.rules['evidence.indecentImagesOfChildren'] = { applies: true, value: 'required', citation: screenshot.citation };
    expect(effectiveRule(p, baseline, 'evidence.indecentImagesOfChildren').value).toBe('forbidden');
    const advice = effectiveRule(p, baseline, 'advice.indecentImagesOfChildren');
    const kinds = (advice.value as AdviceLine[]).map((l) => l.kind);
    expect(kinds).not.toContain('takeScreenshots');
    expect(kinds).toEqual(expect.arrayContaining(['doNotView', 'doNotCopyOrShare', 'doNotAskToDelete', 'doNotBlame']));
    expect(advice.strengthened[0]).toMatch(/screenshots are forbidden/);
  });

  it('the cyberbullying advice of Newall Green is its own (11.2, 11.4, 11.5), screenshots and all', () => {
    const advice = effectiveRule(profileById('newall-green'), baseline, 'advice.cyberbullying').value as AdviceLine[];
    expect(advice.map((l) => l.kind)).toEqual(['keepEvidence', 'takeScreenshots', 'recordDetails', 'seekUnionSupport']);
    expect(advice.map((l) => ('clause' in l.citation ? l.citation.clause : ''))).toEqual(['11.2', '11.2', '11.2', '11.5']);
  });

  it('rules the baseline does not set come from the profile unchanged', () => {
    const wootton = profileById('wootton');
    const r = effectiveRule(wootton, baseline, 'accounts.approval');
    expect(r.value).toEqual(wootton.rules['accounts.approval'].value);
    expect(r.strengthened).toEqual([]);
  });
});

describe('no profile ever weakens the baseline, nor is weakened by it', () => {
  const rank = <T extends string>(order: readonly T[], v: T) => order.indexOf(v);
  for (const profile of loadProfiles()) {
    it(`${profile.id}: every combined rule is at least as strict as both`, () => {
      for (const id of RULE_IDS) {
        const eff = effectiveRule(profile, baseline, id);
        const own = profile.rules[id];
        const base = (BASELINE_RULE_IDS as string[]).includes(id) ? baseline.rules[id as (typeof BASELINE_RULE_IDS)[number]] : undefined;
        if (id.startsWith('route.')) {
          const v = eff.value as RouteValue;
          for (const src of [base?.value, own.applies ? own.value : undefined] as Array<RouteValue | undefined>) {
            if (!src) continue;
            expect(v.tell, `${id}`).toEqual(expect.arrayContaining(src.tell));
            expect(v.aboutHead).toEqual(expect.arrayContaining(src.aboutHead));
            expect(rank(SPEEDS, v.speed)).toBeLessThanOrEqual(rank(SPEEDS, src.speed));
          }
          if (base) expect(v.anyOf).toBeUndefined();
        }
        if (id.startsWith('evidence.') && base) expect(rank(EVIDENCE, eff.value as (typeof EVIDENCE)[number])).toBeLessThanOrEqual(rank(EVIDENCE, base.value as (typeof EVIDENCE)[number]));
        if (id.startsWith('advice.') && base) expect(eff.value).toEqual(expect.arrayContaining(base.value as AdviceLine[]));
      }
    });
  }

  it('the baseline covers the four statutory duties', () => {
    const set = Object.keys(baseline.rules);
    expect(set).toEqual(expect.arrayContaining(['route.indecentImagesOfChildren', 'evidence.indecentImagesOfChildren', 'advice.indecentImagesOfChildren', 'route.radicalisation', 'route.staffMisuse', 'route.dataBreach']));
    expect(POLICY_CATEGORIES).toHaveLength(11);
  });
});
