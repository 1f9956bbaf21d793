import { describe, expect, it } from 'vitest';
import { canKeepConsentRegister, consentProblems, describeConsentProblem, type ConsentRecord } from '../../../src/domain/consent/consent.js';

const pupil = (pupilId: string, over: Partial<ConsentRecord> = {}): ConsentRecord => ({
  schoolId: 'westbrook', pupilId, name: `Pupil ${pupilId}`, classOrYear: 'Year 3', platforms: ['facebook'], consentForNames: false, doNotPublish: false,
  updatedAt: '2026-01-05T09:00:00.000Z', updatedBy: '00000000-0000-4000-8000-000000000001', ...over,
});

describe('consentProblems: which pupil blocks a post, and why', () => {
  const cases: Array<[string, Parameters<typeof consentProblems>[0], Parameters<typeof consentProblems>[1], string[], string[]]> = [
    ['consent for that platform: no problem', [{ pupilId: 'A', record: pupil('A') }], 'facebook', [], []],
    ['consent for another platform only', [{ pupilId: 'A', record: pupil('A') }], 'instagram', [], ['A:noPlatformConsent']],
    ['no platforms at all', [{ pupilId: 'A', record: pupil('A', { platforms: [] }) }], 'facebook', [], ['A:noPlatformConsent']],
    ['not in the register', [{ pupilId: 'Z' }], 'facebook', [], ['Z:noRecord']],
    ['on the do-not-publish list, even with consent', [{ pupilId: 'A', record: pupil('A', { doNotPublish: true }) }], 'facebook', [], ['A:doNotPublish']],
    ['named in the text without consent for names', [{ pupilId: 'A', record: pupil('A') }], 'facebook', ['A'], ['A:noNamesConsent']],
    ['named in the text with consent for names', [{ pupilId: 'A', record: pupil('A', { consentForNames: true }) }], 'facebook', ['A'], []],
    ['not named: names consent does not matter', [{ pupilId: 'A', record: pupil('A') }], 'facebook', ['B'], []],
    ['every reason for one pupil', [{ pupilId: 'A', record: pupil('A', { doNotPublish: true, platforms: [] }) }], 'x', ['A'], ['A:doNotPublish', 'A:noPlatformConsent', 'A:noNamesConsent']],
    ['only the pupils who block, in order', [{ pupilId: 'A', record: pupil('A') }, { pupilId: 'B', record: pupil('B', { platforms: ['instagram'] }) }, { pupilId: 'C' }], 'facebook', [], ['B:noPlatformConsent', 'C:noRecord']],
  ];
  it.each(cases)('%s', (_label, pupils, platform, named, expected) => {
    expect(consentProblems(pupils, platform, new Set(named)).map((p) => `${p.pupilId}:${p.reason}`)).toEqual(expected);
  });

  it('names the pupil and the platform in words', () => {
    const [p] = consentProblems([{ pupilId: 'A', record: pupil('A', { name: 'Ava Jones' }) }], 'instagram');
    expect(describeConsentProblem(p, 'instagram')).toBe('Ava Jones has no consent for Instagram.');
    const [q] = consentProblems([{ pupilId: 'Z' }], 'instagram');
    expect(describeConsentProblem(q, 'instagram')).toBe('A pupil is not in the photo-consent register.');
  });
});

describe('who keeps the register', () => {
  it.each([
    [['admin'], true],
    [['headteacher'], true],
    [['slt'], false],
    [['dsl'], false],
    [['chair'], false],
    [['staff'], false],
  ] as const)('%j → %s', (roles, ok) => {
    expect(canKeepConsentRegister({ roles: [...roles] })).toBe(ok);
  });
});
