import type { PersonRef } from './types.js';

/** The incident report's vocabulary. What the bot advises after a report comes from the school's policy profile. */

export const INCIDENT_CATEGORIES = {
  cyberbullying: 'Cyberbullying',
  trolling: 'Trolling',
  staffMisuse: 'Misuse of social media by a member of staff',
  disparaging: 'Content that disparages the school, staff, pupils or parents',
  pupilContact: 'Contact or a friend request from a pupil or former pupil',
  indecentImagesOfChildren: 'Indecent images of children',
  inappropriateImages: 'An inappropriate or embarrassing image (for example of a colleague)',
  radicalisation: 'Radicalisation or extremism concern (Prevent)',
  dataBreach: 'Confidentiality or data breach',
  media: 'Media or journalist enquiry',
  other: 'Something else',
} as const;
export type IncidentCategory = keyof typeof INCIDENT_CATEGORIES;

/**
 * Categories cases saved earlier may carry, which a report can no longer choose: shown with a label, never
 * raw. `indecentImages` was split into indecentImagesOfChildren and inappropriateImages.
 */
export const LEGACY_INCIDENT_CATEGORIES: Record<string, string> = {
  indecentImages: 'Indecent or inappropriate images (reported before the categories were split)',
};

/** An incident category in words, old ones included. */
export const incidentCategoryLabel = (c: string): string =>
  (INCIDENT_CATEGORIES as Record<string, string>)[c] ?? LEGACY_INCIDENT_CATEGORIES[c] ?? c;

export const AFFECTED = { me: 'Me', colleague: 'A colleague', pupil: 'A pupil', school: 'The school', other: 'Someone else' } as const;
export type Affected = keyof typeof AFFECTED;

export const RESPONSIBLE = {
  pupil: 'A pupil',
  parent: 'A parent or carer',
  staff: 'A member of staff',
  headteacher: 'The headteacher',
  public: 'A member of the public',
  unknown: 'Unknown',
} as const;
export type Responsible = keyof typeof RESPONSIBLE;

export const PLATFORMS = {
  facebook: 'Facebook',
  x: 'X (Twitter)',
  instagram: 'Instagram',
  tiktok: 'TikTok',
  whatsapp: 'WhatsApp',
  snapchat: 'Snapchat',
  youtube: 'YouTube',
  linkedin: 'LinkedIn',
  reddit: 'Reddit',
  game: 'An online game',
  other: 'Other',
} as const;
export type Platform = keyof typeof PLATFORMS;

export interface IncidentAnswers {
  category: IncidentCategory;
  affected: Affected;
  responsible: Responsible;
  platform: Platform;
  platformOther?: string;
  /** URL, group or account name. */
  where: string;
  /** ISO date-time, or 'ongoing'. */
  when: string;
  whatHappened: string;
  pupilAtRisk: 'yes' | 'no' | 'unsure';
  /**
   * The member of staff the report is about, when the reporter named them (only when a member of staff is
   * responsible). They are told nothing of the case and never shown it.
   */
  subject?: PersonRef;
}

export const TEXT_LIMIT = 4000;
