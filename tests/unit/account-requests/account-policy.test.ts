import { describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { PolicyService } from '../../../src/domain/policy/policy-service.js';
import { accountPolicyOf, approvalChainOf, minimumNamedOf } from '../../../src/domain/account-requests/account-policy.js';
import { checkPupilAge } from '../../../src/domain/account-requests/minimum-age.js';

const { profiles, baseline } = readPolicyFiles('config/policies');
const policies = new PolicyService(profiles, baseline, { school: async () => undefined });
const policy = (id: string) => policies.of({ id, name: id, headTitle: 'Headteacher' });

describe('each school approves an account as its own policy says', () => {
  it.each([
    ['westbrook', ['head']],
    ['newall-green', ['head']],
    ['wootton', ['lineManager', 'seniorManager', 'head']],
    ['moor-nook', ['slt']],
    ['beechwood', ['head']],
    ['no-profile-held', ['head']],
  ])('%s: %o', (school, chain) => {
    expect(approvalChainOf(policy(school).rule('accounts.approval'))).toEqual(chain);
  });

  it.each([
    [{ applies: true, value: { chain: ['slt'] } }, ['slt']],
    [{ applies: true, value: { chain: [] } }, ['head']],
    [{ applies: false, value: { chain: ['lineManager', 'head'] } }, ['head']],
  ] as const)('%o → %o', (rule, chain) => {
    expect(approvalChainOf({ applies: rule.applies, value: { chain: [...rule.value.chain] } })).toEqual(chain);
  });

  it('the approvers are cited from the school\'s own policy; nothing is cited where it is silent', () => {
    expect(accountPolicyOf(policy('wootton')).approvalNote).toMatch(/^Wootton policy, “APPROVAL”: “The relevant managers must read this form/);
    expect(accountPolicyOf(policy('moor-nook')).approvalNote).toMatch(/^Moor Nook policy, “Process for creating new accounts”: “Following consideration by the SLT/);
    expect(accountPolicyOf(policy('newall-green')).approvalNote).toMatch(/^Newall Green policy §9\.1: /);
    expect(accountPolicyOf(policy('no-profile-held')).approvalNote).toBe('');
  });

  it.each([
    ['westbrook', 2, 2, ''],
    ['newall-green', 2, 2, ''],
    ['wootton', 2, 2, '(Wootton policy §A.5.4)'],
    ['moor-nook', 2, 2, '(Moor Nook policy, “Process for creating new accounts”)'],
    ['beechwood', 2, 2, ''],
  ])('%s: at least %i administrators and %i moderators, cited %s', (school, administrators, moderators, cited) => {
    const p = accountPolicyOf(policy(school));
    expect(p.minimumNamed).toEqual({ administrators, moderators });
    expect(p.namedCitation).toBe(cited);
  });

  it('a policy asking for more than the app\'s two is held to its number; never fewer than two', () => {
    expect(minimumNamedOf({ applies: true, value: { administrators: 3, moderators: 1 } })).toEqual({ administrators: 3, moderators: 2 });
    expect(minimumNamedOf({ applies: false, value: { administrators: 5 } })).toEqual({ administrators: 2, moderators: 2 });
  });

  it.each([
    ['wootton', 'Wootton policy §8.3: “Sites created must not breach'],
    ['beechwood', 'Beechwood policy §7: “Staff members must also ensure'],
    ['westbrook', ''],
    ['newall-green', ''],
    ['moor-nook', ''],
  ])('minimum age, %s: the platform\'s own, with the policy\'s clause only where it has one', (school, cited) => {
    const note = accountPolicyOf(policy(school)).ageNote;
    const r = checkPupilAge('instagram', 9, note);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('Instagram is for people aged 13 and over (its own terms)');
    if (cited) expect(r.message).toContain(cited);
    else expect(r.message).not.toMatch(/policy|§/);
  });

  it('review and monitoring duties, each with its own clause, only where the policy has them', () => {
    expect(accountPolicyOf(policy('moor-nook')).duties).toEqual([
      expect.stringMatching(/^Your school's policy: close or transfer it when its lead leaves\. Moor Nook policy, “Administrator\/Moderator”/),
      expect.stringMatching(/^Your school's policy: monitor the account regularly; answer comments, queries and complaints within 24 hours\. Moor Nook policy, “Monitoring”/),
    ]);
    expect(accountPolicyOf(policy('wootton')).duties).toEqual([
      expect.stringMatching(/exit strategy.*Wootton policy §A\.1\.6/),
      expect.stringMatching(/^Your school's policy: monitor the account regularly\. Wootton policy §A\.5\.3/),
    ]);
    expect(accountPolicyOf(policy('newall-green')).duties).toEqual([expect.stringMatching(/review the account regularly\. Newall Green policy §9\.1/)]);
    expect(accountPolicyOf(policy('westbrook')).duties).toEqual([]);
    expect(accountPolicyOf(policy('no-profile-held')).duties).toEqual([]);
  });
});
