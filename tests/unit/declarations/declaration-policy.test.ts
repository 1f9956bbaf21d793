import { describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { declarationRuleOf, declarationWording } from '../../../src/domain/declarations/declaration-policy.js';

const { profiles, baseline } = readPolicyFiles('config/policies');
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
const policy = (id: string, headTitle = 'Headteacher') => policies.of({ id, name: id, headTitle });

describe('what each school\'s policy makes of a family relationship with a pupil', () => {
  it.each([
    ['westbrook', 'silent', 'unspecified'],
    ['newall-green', 'mustDeclare', 'onceAcknowledged'],
    ['wootton', 'voluntary', 'yes'],
    ['moor-nook', 'noFamilyException', 'no'],
    ['beechwood', 'voluntary', 'yes'],
    ['no-profile-held', 'silent', 'unspecified'],
  ])('%s: %s, contact %s, acknowledged by the head', (school, stance, contact) => {
    expect(declarationRuleOf(policy(school).rule('family.declaration'))).toEqual({ stance, contact, acknowledger: 'head' });
  });

  it.each([
    [{ familyException: true, mustDeclare: true, declareTo: ['head'], contactMayContinue: 'onceAcknowledged' }, true, 'mustDeclare', 'onceAcknowledged'],
    [{ familyException: true, mustDeclare: true, declareTo: [], contactMayContinue: 'yes' }, true, 'mustDeclare', 'yes'],
    [{ familyException: true, mustDeclare: false, declareTo: [], contactMayContinue: 'unspecified' }, true, 'voluntary', 'unspecified'],
    [{ familyException: false, mustDeclare: false, declareTo: [], contactMayContinue: 'no' }, true, 'noFamilyException', 'no'],
    [{ familyException: false, mustDeclare: false, declareTo: [], contactMayContinue: 'unspecified' }, true, 'noFamilyException', 'unspecified'],
    // A rule that does not apply says nothing, whatever its value.
    [{ familyException: true, mustDeclare: true, declareTo: ['head'], contactMayContinue: 'onceAcknowledged' }, false, 'silent', 'unspecified'],
  ] as const)('%o (applies %s) → %s, contact %s', (value, applies, stance, contact) => {
    expect(declarationRuleOf({ applies, value: { ...value, declareTo: [...value.declareTo] } })).toMatchObject({ stance, contact });
  });

  it('only a school whose policy restricts contact is told to hold off, with its own clause', () => {
    expect(declarationWording(policy('newall-green')).contactLine).toMatch(/^Until it is acknowledged.*\(Newall Green policy §6\.8 \(“Responsibilities when using social media”\)\)\.$/);
    expect(declarationWording(policy('moor-nook')).contactLine).toContain('family included (Moor Nook policy, “Pupil/Students”)');
    expect(declarationWording(policy('beechwood')).contactLine).toBe("Your school's policy does not ask you to stop contact with a pupil who is family (Beechwood policy §4).");
    expect(declarationWording(policy('wootton', 'Principal')).contactLine).toBe("Your school's policy does not ask you to stop contact with a pupil who is family (Wootton policy §6.2).");
    expect(declarationWording(policy('westbrook')).contactLine).toBe('');
  });

  it('the head or chair is told why the declaration reached them, from the school\'s own policy', () => {
    expect(declarationWording(policy('wootton', 'Principal')).acknowledgerNote).toBe('The policy does not require this declaration: it was recorded voluntarily. Wootton policy §6.2: “unless the pupils are family members”');
    expect(declarationWording(policy('newall-green'), { aboutHead: true }).acknowledgerNote).toMatch(/^This is the Headteacher's own declaration, so it comes to the Chair of Governors to acknowledge\. Newall Green policy §6\.8/);
    expect(declarationWording(policy('westbrook'))).toMatchObject({ acknowledgerNote: '', acknowledger: 'the Headteacher' });
    expect(declarationWording(policy('westbrook'), { aboutHead: true }).acknowledger).toBe('the chair of governors');
  });

  it('withdrawing speaks of acknowledgement only where the policy makes contact wait for it', () => {
    expect(declarationWording(policy('newall-green')).withdrawText).toContain('would need a new declaration, acknowledged by the Headteacher');
    for (const s of ['westbrook', 'wootton', 'moor-nook', 'beechwood']) expect(declarationWording(policy(s)).withdrawText).not.toContain('acknowledged');
  });

  it('never words a policy a school does not hold', () => {
    const w = declarationWording(policy('no-profile-held'));
    expect(Object.values(w).filter((v) => typeof v === 'string').join(' ')).not.toMatch(/policy|§/i);
  });
});
