import { ACCOUNT_PLATFORMS, type AccountPlatform } from '../account-requests/minimum-age.js';
import { isAdmin, isHead, type Member } from '../directory/directory.js';

/**
 * The photo-consent register: one record per pupil, kept by the school office. Consent is per platform, in
 * the account register's platform vocabulary (ACCOUNT_PLATFORMS), because a post goes to one of the
 * school's official accounts and each of those has one of these platforms.
 */
export const CONSENT_PLATFORMS = Object.keys(ACCOUNT_PLATFORMS) as AccountPlatform[];
export type ConsentPlatform = AccountPlatform;

export interface ConsentRecord {
  schoolId: string;
  /** Stable id: the MIS's UPN or admission number when the import has one, else one generated here. */
  pupilId: string;
  name: string;
  classOrYear: string;
  /** Platforms the parent has consented to; a platform not listed has no consent. */
  platforms: ConsentPlatform[];
  consentForNames: boolean;
  doNotPublish: boolean;
  updatedAt: string;
  /** Entra object id of whoever made the last change (an id, never a name). */
  updatedBy: string;
}

/** The fields a person (or an import row) sets; the rest is the register's own. */
export type ConsentFields = Pick<ConsentRecord, 'name' | 'classOrYear' | 'platforms' | 'consentForNames' | 'doNotPublish'>;

export type ConsentProblemReason = 'noRecord' | 'noPlatformConsent' | 'noNamesConsent' | 'doNotPublish';

export interface ConsentProblem {
  /** The pupil as the proposer named them: their register id when picked from it. */
  pupilId: string;
  name?: string;
  reason: ConsentProblemReason;
}

/**
 * Which pupils block a post to `platform`, and why: no record in the register; on the do-not-publish list;
 * no consent for that platform; named in the text (`namesInText` holds their ids) without consent for names.
 * Every reason for every pupil is returned (a pupil on the do-not-publish list without consent has two),
 * in the order the pupils were given. Pure: the caller loads the records.
 */
export function consentProblems(
  pupils: ReadonlyArray<{ pupilId: string; record?: ConsentRecord }>,
  platform: ConsentPlatform,
  namesInText: ReadonlySet<string> = new Set(),
): ConsentProblem[] {
  const out: ConsentProblem[] = [];
  for (const { pupilId, record } of pupils) {
    if (!record) {
      out.push({ pupilId, reason: 'noRecord' });
      continue;
    }
    const at = { pupilId, name: record.name };
    if (record.doNotPublish) out.push({ ...at, reason: 'doNotPublish' });
    if (!record.platforms.includes(platform)) out.push({ ...at, reason: 'noPlatformConsent' });
    if (namesInText.has(pupilId) && !record.consentForNames) out.push({ ...at, reason: 'noNamesConsent' });
  }
  return out;
}

/** Plain words for a problem, for the flow and the tab (the pupil's name, when the register has it). */
export function describeConsentProblem(p: ConsentProblem, platform: ConsentPlatform): string {
  const who = p.name ?? 'A pupil';
  switch (p.reason) {
    case 'noRecord':
      return `${who} is not in the photo-consent register.`;
    case 'doNotPublish':
      return `${who} is on the do-not-publish list.`;
    case 'noPlatformConsent':
      return `${who} has no consent for ${ACCOUNT_PLATFORMS[platform]}.`;
    case 'noNamesConsent':
      return `${who} is named in the text, without consent for names.`;
  }
}

/**
 * Who may see and keep the register. No seed profile names the people who keep image consent, so this is
 * the app's own neutral rule: administrators (the school office) and the head. When a profile rule names
 * them, it is added here.
 */
export function canKeepConsentRegister(m: Pick<Member, 'roles'>): boolean {
  return isAdmin(m) || isHead(m);
}

export const sameFields = (a: ConsentFields, b: ConsentFields): boolean =>
  a.name === b.name && a.classOrYear === b.classOrYear && a.consentForNames === b.consentForNames && a.doNotPublish === b.doNotPublish &&
  a.platforms.length === b.platforms.length && a.platforms.every((p) => b.platforms.includes(p));

/** Platforms in the register's order, without repeats. */
export const orderedPlatforms = (ps: Iterable<ConsentPlatform>): ConsentPlatform[] => {
  const set = new Set(ps);
  return CONSENT_PLATFORMS.filter((p) => set.has(p));
};
