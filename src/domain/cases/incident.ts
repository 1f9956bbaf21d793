/** The incident report's vocabulary and the policy text the bot quotes. */

export const INCIDENT_CATEGORIES = {
  cyberbullying: 'Cyberbullying',
  trolling: 'Trolling',
  staffMisuse: 'Misuse of social media by a member of staff',
  disparaging: 'Content that disparages the school, staff, pupils or parents',
  pupilContact: 'Contact or a friend request from a pupil or former pupil',
  indecentImages: 'Indecent or inappropriate images',
  radicalisation: 'Radicalisation or extremism concern (Prevent)',
  dataBreach: 'Confidentiality or data breach',
  media: 'Media or journalist enquiry',
  other: 'Something else',
} as const;
export type IncidentCategory = keyof typeof INCIDENT_CATEGORIES;

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
}

export const TEXT_LIMIT = 4000;

/** The policy's advice after a report (seed 001 §11.2, §11.4, §11.5; seed 003 "Handling abuse"). */
export const AFTER_REPORT_ADVICE = [
  'Keep the evidence: do not delete the messages or posts (policy 11.2, 11.4).',
  'Do not respond to or engage with the person responsible.',
  'Block and report the account on the platform.',
  'If you are the target, you may wish to seek the support of your trade union or professional association representative (policy 11.5).',
];

/** UK guidance for education settings on nudes and semi-nudes: what the reporter must and must not do. */
export const INDECENT_IMAGES_GUIDANCE =
  'Do not view the images again. Do not copy, screenshot, forward, save, print or delete them, and do not ask anyone to send them to you. ' +
  'Describe what you saw in words only. The designated safeguarding lead is alerted as soon as you submit this report.';
