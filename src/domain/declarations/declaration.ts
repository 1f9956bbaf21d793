/**
 * Family relationship declarations: the vocabulary, the checks on a submitted form, who acknowledges, and
 * duplicate detection. What the school's own policy says about them is in declaration-policy.ts. Pure
 * functions, no SDK imports.
 */
import { isChair, isHead, personRef, type Member } from '../directory/directory.js';
import type { Recipient } from '../cases/recipients.js';
import type { Routing } from '../cases/types.js';

export const RELATIONSHIPS = {
  parent: 'Parent',
  stepParent: 'Step-parent',
  grandparent: 'Grandparent',
  auntUncle: 'Aunt or uncle',
  sibling: 'Sibling',
  cousin: 'Cousin',
  other: 'Other',
} as const;
export type Relationship = keyof typeof RELATIONSHIPS;

export const CONNECTED_PLATFORMS = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  whatsapp: 'WhatsApp',
  snapchat: 'Snapchat',
  tiktok: 'TikTok',
  x: 'X (Twitter)',
  youtube: 'YouTube',
  game: 'An online game',
  other: 'Other',
  none: 'Not connected on social media',
} as const;
export type ConnectedPlatform = keyof typeof CONNECTED_PLATFORMS;

export const OTHER_RELATIVES = { yes: 'Yes', no: 'No', unsure: 'Not sure' } as const;
export type OtherRelatives = keyof typeof OTHER_RELATIVES;

export const NAME_LIMIT = 100;
export const SHORT_LIMIT = 200;
export const LONG_LIMIT = 2000;

/** What the staff member declares. `pupilName` is personal data of a child: never logged. */
export interface DeclarationAnswers {
  pupilName: string;
  yearGroup: string;
  relationship: Relationship;
  relationshipOther?: string;
  platforms: ConnectedPlatform[];
  platformsOther?: string;
  otherRelatives: OtherRelatives;
  otherRelativesDetail?: string;
  anythingElse?: string;
  /** The staff member ticked the declaration. */
  confirmed: true;
}

export type FormCheck = { ok: true; answers: DeclarationAnswers } | { ok: false; errors: string[] };

const clean = (v: unknown): string =>
  (typeof v === 'string' ? v : '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();
const optional = (v: unknown) => clean(v) || undefined;

/**
 * Check what the form submitted (Adaptive Card values are strings; a multi-select is "a,b"). Every
 * problem is named at once so the form is shown again only once.
 */
export function checkDeclarationForm(raw: Record<string, unknown>): FormCheck {
  const errors: string[] = [];
  const pupilName = clean(raw.pupilName).replace(/\s+/g, ' ');
  const yearGroup = clean(raw.yearGroup).replace(/\s+/g, ' ');
  const relationship = clean(raw.relationship) as Relationship;
  const relationshipOther = optional(raw.relationshipOther);
  const platforms = [...new Set(clean(raw.platforms).split(',').map((s) => s.trim()).filter(Boolean))] as ConnectedPlatform[];
  const platformsOther = optional(raw.platformsOther);
  const otherRelatives = clean(raw.otherRelatives) as OtherRelatives;
  const otherRelativesDetail = optional(raw.otherRelativesDetail);
  const anythingElse = optional(raw.anythingElse);

  if (!pupilName) errors.push("Please give the pupil's name.");
  else if (pupilName.length > NAME_LIMIT) errors.push(`The pupil's name can be at most ${NAME_LIMIT} characters.`);
  if (!yearGroup) errors.push('Please give the year group or class.');
  else if (yearGroup.length > 50) errors.push('The year group or class can be at most 50 characters.');
  if (!Object.hasOwn(RELATIONSHIPS, relationship)) errors.push('Please choose the relationship.');
  else if (relationship === 'other' && !relationshipOther) errors.push('Please describe the relationship (you chose "Other").');
  if (platforms.length === 0) errors.push('Please choose the platforms on which you are connected (or "Not connected on social media").');
  else if (platforms.some((p) => !Object.hasOwn(CONNECTED_PLATFORMS, p))) errors.push('Please choose platforms from the list.');
  else if (platforms.includes('none') && platforms.length > 1) errors.push('You chose "Not connected on social media" and a platform: please choose one or the other.');
  else if (platforms.includes('other') && !platformsOther) errors.push('Please name the other platform.');
  if (!Object.hasOwn(OTHER_RELATIVES, otherRelatives)) errors.push('Please say whether siblings or other relatives attend the school.');
  for (const [v, label, limit] of [
    [relationshipOther, 'The description of the relationship', SHORT_LIMIT],
    [platformsOther, 'The other platforms', SHORT_LIMIT],
    [otherRelativesDetail, 'The other relatives', LONG_LIMIT],
    [anythingElse, 'Anything else', LONG_LIMIT],
  ] as const) {
    if (v && v.length > limit) errors.push(`${label} can be at most ${limit.toLocaleString('en-GB')} characters.`);
  }
  if (raw.confirmed !== true && clean(raw.confirmed) !== 'true') errors.push('Please tick the declaration to confirm it.');
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    answers: {
      pupilName,
      yearGroup,
      relationship,
      ...(relationship === 'other' ? { relationshipOther } : {}),
      platforms,
      ...(platforms.includes('other') ? { platformsOther } : {}),
      otherRelatives,
      ...(otherRelatives !== 'no' && otherRelativesDetail ? { otherRelativesDetail } : {}),
      ...(anythingElse ? { anythingElse } : {}),
      confirmed: true,
    },
  };
}

export const describeRelationship = (a: Pick<DeclarationAnswers, 'relationship' | 'relationshipOther'>) =>
  a.relationship === 'other' && a.relationshipOther ? `Other: ${a.relationshipOther}` : RELATIONSHIPS[a.relationship] ?? a.relationship;

export const describePlatforms = (a: Pick<DeclarationAnswers, 'platforms' | 'platformsOther'>) =>
  a.platforms.map((p) => (p === 'other' && a.platformsOther ? `Other: ${a.platformsOther}` : CONNECTED_PLATFORMS[p] ?? p)).join(', ');

export const describeOtherRelatives = (a: Pick<DeclarationAnswers, 'otherRelatives' | 'otherRelativesDetail'>) =>
  `${OTHER_RELATIVES[a.otherRelatives] ?? a.otherRelatives}${a.otherRelativesDetail ? `: ${a.otherRelativesDetail}` : ''}`;

/** "Sam  O'Neil-Smith " and "sam o neil smith" are the same pupil; accents are ignored. */
export function normalisePupilName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** "Year 5", "Y5", "yr 5" and "5" are the same; "5B" and "5 b" too; "Reception" stays "reception". */
export function normaliseYearGroup(y: string): string {
  return y
    .toLowerCase()
    .replace(/^\s*(year|yr|y)\s*(?=\d)/, '')
    .replace(/[^a-z0-9]+/g, '');
}

export const pupilKey = (a: Pick<DeclarationAnswers, 'pupilName' | 'yearGroup'>) => `${normalisePupilName(a.pupilName)}|${normaliseYearGroup(a.yearGroup)}`;

/** The declarer's earlier declaration of the same pupil that still stands (not withdrawn), if any. */
export function findDuplicate<T extends { status: string; answers: Record<string, unknown> }>(
  existing: readonly T[],
  a: Pick<DeclarationAnswers, 'pupilName' | 'yearGroup'>,
): T | undefined {
  const key = pupilKey(a);
  return existing.find(
    (c) =>
      c.status !== 'withdrawn' &&
      typeof c.answers.pupilName === 'string' &&
      typeof c.answers.yearGroup === 'string' &&
      pupilKey({ pupilName: c.answers.pupilName, yearGroup: c.answers.yearGroup }) === key,
  );
}

/** The head acknowledges; a declaration by the head goes to the chair of governors (and the head never handles it). */
export function routeDeclaration(declarer: Member): Routing {
  const aboutHead = isHead(declarer);
  return { safeguarding: false, aboutHead, queue: aboutHead ? 'chair' : 'head', severity: 'low', reasons: ['family relationship with a pupil'] };
}

/** Who may acknowledge this declaration: the headteacher, or the chair when it is the head's own. Never the declarer. */
export function canAcknowledge(m: Member, c: { schoolId: string; routing: Routing; submitter: { aadObjectId: string } }): boolean {
  if (m.schoolId !== c.schoolId || m.aadObjectId === c.submitter.aadObjectId) return false;
  return c.routing.aboutHead ? isChair(m) && !isHead(m) : isHead(m);
}

/** Who is asked to acknowledge, and the declarer's receipt. */
export function declarationRecipients(routing: Routing, members: Member[], declarer: Member): Recipient[] {
  const out: Recipient[] = members
    .filter((m) => canAcknowledge(m, { schoolId: declarer.schoolId, routing, submitter: declarer }))
    .map((m) => ({ kind: 'acknowledgementRequest' as const, recipient: personRef(m) }));
  out.push({ kind: 'receipt', recipient: personRef(declarer) });
  return out;
}

/** The answers as label/value rows, for the summary and the acknowledgement card (both may show the pupil's name). */
export function declarationFacts(a: DeclarationAnswers): Array<{ title: string; value: string }> {
  return [
    { title: 'Pupil', value: a.pupilName },
    { title: 'Year group or class', value: a.yearGroup },
    { title: 'Relationship', value: describeRelationship(a) },
    { title: 'Connected on', value: describePlatforms(a) },
    { title: 'Other relatives at the school', value: describeOtherRelatives(a) },
    ...(a.anythingElse ? [{ title: 'Anything else', value: a.anythingElse }] : []),
  ];
}
