/**
 * Platforms a school account may be requested on, and the minimum age their own terms set. Pure data. Every
 * school is held to the platform's minimum (the platform's terms, not a school's rule); a school whose policy
 * says so too has its clause shown beside it (account-policy.ts).
 * Keys are the platform keys the incident flow uses too, so the Cases tab's category filter knows them.
 */
export const ACCOUNT_PLATFORMS = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  x: 'X (Twitter)',
  tiktok: 'TikTok',
  youtube: 'YouTube',
  linkedin: 'LinkedIn',
  whatsapp: 'WhatsApp',
  snapchat: 'Snapchat',
  reddit: 'Reddit',
  other: 'Other (for example a blog or site the school hosts)',
} as const;
export type AccountPlatform = keyof typeof ACCOUNT_PLATFORMS;

/**
 * Minimum age of a user in the platform's own terms, as published for the UK. `undefined` (Other) means
 * the app cannot know: the approvers are asked to check.
 */
export const MINIMUM_AGES: Readonly<Record<AccountPlatform, number | undefined>> = {
  facebook: 13,
  instagram: 13,
  x: 13,
  tiktok: 13,
  youtube: 13,
  linkedin: 16,
  whatsapp: 13,
  snapchat: 13,
  reddit: 13,
  other: undefined,
};

export const isAccountPlatform = (p: string): p is AccountPlatform => Object.prototype.hasOwnProperty.call(ACCOUNT_PLATFORMS, p);

export function minimumAge(platform: string): number | undefined {
  return isAccountPlatform(platform) ? MINIMUM_AGES[platform] : undefined;
}

export type AgeCheck = { ok: true; minimumAge?: number } | { ok: false; minimumAge: number; message: string };

/**
 * Whether pupils as young as `youngest` may be on the platform: a school account must not draw pupils under
 * the platform's own minimum age onto it. `policyNote`: the school's own clause saying so, quoted, if it has one.
 */
export function checkPupilAge(platform: string, youngest: number, policyNote = ''): AgeCheck {
  const min = minimumAge(platform);
  if (min === undefined || youngest >= min) return { ok: true, minimumAge: min };
  const name = isAccountPlatform(platform) ? ACCOUNT_PLATFORMS[platform] : platform;
  return {
    ok: false,
    minimumAge: min,
    message: `${name} is for people aged ${min} and over (its own terms), and this audience includes pupils aged ${youngest}.${policyNote ? ` ${policyNote}` : ''}`,
  };
}
