import { describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { RULE_IDS } from '../../../src/domain/policy/profile.js';

const { profiles, baseline } = readPolicyFiles('config/policies');
const school = (id: string, name: string, headTitle = 'Headteacher') => ({ id, name, headTitle, referencePrefix: 'X' });
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });

describe('a school\'s policy as the app applies it', () => {
  it('names citations as the school\'s own policy prints them', () => {
    const ng = policies.of(school('newall-green', 'Newall Green Primary School'));
    expect(ng.held).toBe(true);
    expect(ng.cite({ clause: '11.2', quote: 'x' })).toBe('Newall Green policy §11.2');
    expect(ng.cite({ clause: '6.7', occurrence: 2, heading: 'Family', quote: 'x' })).toBe('Newall Green policy §6.7 (“Family”)');
    const wb = policies.of(school('westbrook', 'Westbrook Primary School'));
    expect(wb.cite({ heading: 'Staff Protocol for use of Social Media', quote: 'x' })).toBe('Westbrook policy, “Staff Protocol for use of Social Media”');
  });

  it('gives a school without a profile a silent one: no rule of its own, the statutory baseline still holds', () => {
    const p = policies.of(school('kimberley', 'Kimberley Primary School', 'Principal'));
    expect(p.held).toBe(false);
    expect(p.terms.headTitle).toBe('Principal');
    for (const id of RULE_IDS) {
      const r = p.rule(id);
      expect(r.citations.every((c) => c.from === 'baseline'), id).toBe(true);
    }
    const images = p.rule('evidence.indecentImagesOfChildren');
    expect(images).toMatchObject({ applies: true, value: 'forbidden' });
    expect(p.rule('advice.cyberbullying').value).toEqual([]);
  });

  it('keeps each school apart: one school\'s rule is never another\'s', () => {
    const wootton = policies.of(school('wootton', 'Wootton Upper School'));
    const moorNook = policies.of(school('moor-nook', 'Moor Nook Community Primary School'));
    expect(wootton.rule('accounts.approval').value).not.toEqual(moorNook.rule('accounts.approval').value);
  });
});
