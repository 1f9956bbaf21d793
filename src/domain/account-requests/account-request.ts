/**
 * Requests for an official school social-media account: the vocabulary, the checks on the submitted form
 * (with the school's own minimums, account-policy.ts) and the answers as label/value rows. Pure functions,
 * no SDK imports.
 */
import type { Member } from '../directory/directory.js';
import type { PersonRef } from '../cases/types.js';
import { describeWhen } from '../time.js';
import { ACCOUNT_PLATFORMS, checkPupilAge, isAccountPlatform, minimumAge, type AccountPlatform } from './minimum-age.js';
import { NEUTRAL_ACCOUNT_POLICY, type AccountPolicy } from './account-policy.js';

export const GROUPS = {
  pupils: "Pupils of the school",
  staff: 'Staff of the school',
  families: "Pupils' family members",
  otherPupils: 'Pupils of other schools',
  external: 'External organisations',
  public: 'Members of the public',
  other: 'Others',
} as const;
export type Group = keyof typeof GROUPS;

export const OPENNESS = { open: 'Open (anyone can see it)', closed: 'Private or closed (members only)' } as const;
export type Openness = keyof typeof OPENNESS;

export const HOSTS = { school: 'The school', thirdParty: 'A third party' } as const;
export type Host = keyof typeof HOSTS;

export const SHORT_LIMIT = 200;
export const LONG_LIMIT = 2000;
/** School pupils' ages, for the age range (nursery to sixth form). */
export const AGE_MIN = 2;
export const AGE_MAX = 19;

/** What the requester asks for: every field of the spec. Staff names only; no pupils named. */
export interface AccountRequestAnswers {
  platform: AccountPlatform;
  platformOther?: string;
  accountName: string;
  department?: string;
  /** The aim and the pedagogical or business reason. */
  aim: string;
  content: string;
  audience: Group[];
  pupilAgeFrom?: number;
  pupilAgeTo?: number;
  otherSchools?: string;
  audienceOther?: string;
  contributors: Group[];
  contributorsOther?: string;
  openness: Openness;
  promotion: string;
  administrators: PersonRef[];
  moderators: PersonRef[];
  vetting: string;
  host: Host;
  hostName?: string;
  lineManager: PersonRef;
  goLive: string;
  reviewDate: string;
  exitStrategy: string;
  successMeasures: string;
  consent?: string;
  security: string;
}

/** The form's inputs, page by page (a teacher fills it in once, on a laptop: three cards, not thirty prompts). */
export const FORM_PAGES = {
  about: ['platform', 'platformOther', 'accountName', 'department', 'aim', 'content', 'audience', 'pupilAgeFrom', 'pupilAgeTo', 'otherSchools', 'audienceOther', 'contributors', 'contributorsOther', 'openness', 'promotion'],
  people: ['administrators', 'moderators', 'vetting', 'host', 'hostName', 'lineManager', 'consent', 'security'],
  dates: ['goLive', 'reviewDate', 'exitStrategy', 'successMeasures'],
} as const;
export type FormPage = keyof typeof FORM_PAGES;
export type FormField = (typeof FORM_PAGES)[FormPage][number];
export const FORM_FIELDS: FormField[] = [...FORM_PAGES.about, ...FORM_PAGES.people, ...FORM_PAGES.dates];

/** Problems, by the field they belong under (shown there on the form). */
export type FieldErrors = Partial<Record<FormField, string>>;

export interface CheckContext {
  /** Staff of the school who may be named (administrators, moderators, line manager). */
  staff: Member[];
  /** Today in the school's time zone, YYYY-MM-DD. */
  today: string;
  /** The school's own rules (minimum administrators and moderators, minimum age), with their citations. */
  policy?: AccountPolicy;
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five'];

/** Administrators (and moderators) named at most: every approver's card lists them all. */
export const MAX_NAMED = 10;

export type FormCheck = { ok: true; answers: AccountRequestAnswers } | { ok: false; errors: FieldErrors };

const clean = (v: unknown): string =>
  (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .trim();
const list = (v: unknown) => clean(v).split(',').map((s) => s.trim()).filter(Boolean);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** Which page a field is on. */
export function pageOf(field: FormField): FormPage {
  return (Object.keys(FORM_PAGES) as FormPage[]).find((p) => (FORM_PAGES[p] as readonly string[]).includes(field))!;
}

/**
 * Check the whole form (Adaptive Card values are strings; a multi-select is "a,b"). Every problem is named
 * under its own field so the form is shown again once, with what was typed kept.
 */
export function checkAccountRequest(raw: Record<string, unknown>, ctx: CheckContext): FormCheck {
  const errors: FieldErrors = {};
  const err = (f: FormField, m: string) => {
    if (!errors[f]) errors[f] = m;
  };
  const text = (f: FormField, label: string, limit: number, required: boolean): string | undefined => {
    const v = clean(raw[f]);
    if (!v) {
      if (required) err(f, `Please give ${label}.`);
      return undefined;
    }
    if (v.length > limit) err(f, `This can be at most ${limit.toLocaleString('en-GB')} characters.`);
    return v;
  };
  const groups = (f: 'audience' | 'contributors', label: string): Group[] => {
    const v = [...new Set(list(raw[f]))];
    if (v.length === 0) err(f, `Please choose ${label}.`);
    else if (v.some((g) => !Object.hasOwn(GROUPS, g))) err(f, 'Please choose from the list.');
    return v.filter((g): g is Group => Object.hasOwn(GROUPS, g));
  };
  const staffById = new Map(ctx.staff.map((m) => [m.aadObjectId, m]));
  const policy = ctx.policy ?? NEUTRAL_ACCOUNT_POLICY;
  const people = (f: 'administrators' | 'moderators', label: string): PersonRef[] => {
    const ids = list(raw[f]);
    const seen = new Set<string>();
    for (const id of ids) {
      const m = staffById.get(id);
      if (!m) {
        err(f, `Please choose the ${label} from the school's staff.`);
        return [];
      }
      if (seen.has(id)) {
        err(f, `${m.name} is named twice. The ${label} must be different people.`);
        return [];
      }
      seen.add(id);
    }
    const least = policy.minimumNamed[f];
    if (seen.size < least) {
      err(f, `Please name at least ${COUNT_WORDS[least] ?? least} ${label}, so that the account is covered when someone is away${f === 'administrators' && policy.namedCitation ? ` ${policy.namedCitation}` : ''}.`);
    }
    if (seen.size > MAX_NAMED) err(f, `Please name at most ${MAX_NAMED} ${label}.`);
    return [...seen].map((id) => ({ aadObjectId: id, name: staffById.get(id)!.name }));
  };

  const platformRaw = clean(raw.platform);
  const platform = isAccountPlatform(platformRaw) ? platformRaw : undefined;
  if (!platform) err('platform', 'Please choose the platform.');
  const platformOther = text('platformOther', 'the platform', SHORT_LIMIT, platform === 'other');
  const accountName = text('accountName', 'the proposed name of the account', SHORT_LIMIT, true);
  const department = text('department', 'the department', SHORT_LIMIT, false);
  const aim = text('aim', 'the aim of the account and its pedagogical or business reason', LONG_LIMIT, true);
  const content = text('content', 'the proposed content', LONG_LIMIT, true);
  const audience = groups('audience', 'the intended audience');
  const contributors = groups('contributors', 'who may contribute');
  const pupilsInvolved = audience.includes('pupils') || contributors.includes('pupils');

  let pupilAgeFrom: number | undefined;
  let pupilAgeTo: number | undefined;
  const fromRaw = clean(raw.pupilAgeFrom);
  const toRaw = clean(raw.pupilAgeTo);
  if (pupilsInvolved || fromRaw || toRaw) {
    const age = (s: string) => (/^\d{1,2}$/.test(s) && Number(s) >= AGE_MIN && Number(s) <= AGE_MAX ? Number(s) : undefined);
    pupilAgeFrom = age(fromRaw);
    pupilAgeTo = age(toRaw);
    if (pupilAgeFrom === undefined) err('pupilAgeFrom', `Please give the age of the youngest pupils (${AGE_MIN} to ${AGE_MAX}).`);
    if (pupilAgeTo === undefined) err('pupilAgeTo', `Please give the age of the oldest pupils (${AGE_MIN} to ${AGE_MAX}).`);
    if (pupilAgeFrom !== undefined && pupilAgeTo !== undefined && pupilAgeTo < pupilAgeFrom) err('pupilAgeTo', 'The oldest age must not be below the youngest.');
  }
  if (pupilsInvolved && platform && pupilAgeFrom !== undefined) {
    const age = checkPupilAge(platform, pupilAgeFrom, policy.ageNote);
    if (!age.ok) err(audience.includes('pupils') ? 'audience' : 'contributors', age.message);
  }
  const otherSchools = text('otherSchools', 'the names of the other schools', SHORT_LIMIT, audience.includes('otherPupils') || contributors.includes('otherPupils'));
  const audienceOther = text('audienceOther', 'who the others are', SHORT_LIMIT, audience.includes('other'));
  const contributorsOther = text('contributorsOther', 'who the other contributors are', SHORT_LIMIT, contributors.includes('other'));
  const openness = clean(raw.openness);
  if (!Object.hasOwn(OPENNESS, openness)) err('openness', 'Please say whether the account will be open or private.');
  const promotion = text('promotion', 'how the account will be promoted', LONG_LIMIT, true);

  const administrators = people('administrators', 'administrators');
  const moderators = people('moderators', 'moderators');
  const vetting = text('vetting', 'who will vet external contributors', SHORT_LIMIT, true);
  const host = clean(raw.host);
  if (!Object.hasOwn(HOSTS, host)) err('host', 'Please say who will host the account.');
  const hostName = text('hostName', 'the name of the host', SHORT_LIMIT, host === 'thirdParty');
  const lm = staffById.get(clean(raw.lineManager));
  if (!lm) err('lineManager', "Please choose your line manager from the school's staff.");
  const consent = text('consent', 'how consent will be obtained (pupils will contribute)', LONG_LIMIT, contributors.includes('pupils') || contributors.includes('otherPupils'));
  const security = text('security', 'the security measures', LONG_LIMIT, true);

  const goLive = clean(raw.goLive);
  const reviewDate = clean(raw.reviewDate);
  if (!isDate(goLive)) err('goLive', 'Please give the go-live date.');
  else if (goLive < ctx.today) err('goLive', 'The go-live date is in the past. Please choose today or a later date.');
  if (!isDate(reviewDate)) err('reviewDate', 'Please give the planned review or closure date.');
  else if (isDate(goLive) && reviewDate <= goLive) err('reviewDate', 'The review or closure date must be after the go-live date.');
  const exitStrategy = text('exitStrategy', 'the exit strategy', LONG_LIMIT, true);
  const successMeasures = text('successMeasures', 'how success will be judged', LONG_LIMIT, true);

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    answers: {
      platform: platform!,
      ...(platform === 'other' ? { platformOther } : {}),
      accountName: accountName!,
      ...(department ? { department } : {}),
      aim: aim!,
      content: content!,
      audience,
      ...(pupilsInvolved ? { pupilAgeFrom, pupilAgeTo } : {}),
      ...(otherSchools && (audience.includes('otherPupils') || contributors.includes('otherPupils')) ? { otherSchools } : {}),
      ...(audienceOther && audience.includes('other') ? { audienceOther } : {}),
      contributors,
      ...(contributorsOther && contributors.includes('other') ? { contributorsOther } : {}),
      openness: openness as Openness,
      promotion: promotion!,
      administrators,
      moderators,
      vetting: vetting!,
      host: host as Host,
      ...(host === 'thirdParty' ? { hostName } : {}),
      lineManager: { aadObjectId: lm!.aadObjectId, name: lm!.name },
      goLive,
      reviewDate,
      exitStrategy: exitStrategy!,
      successMeasures: successMeasures!,
      ...(consent ? { consent } : {}),
      security: security!,
    },
  };
}

/** Only the problems of the pages filled in so far (a later page is not an error yet). */
export function errorsUpTo(errors: FieldErrors, page: FormPage): FieldErrors {
  const pages = Object.keys(FORM_PAGES) as FormPage[];
  const upto = new Set(pages.slice(0, pages.indexOf(page) + 1));
  return Object.fromEntries(Object.entries(errors).filter(([f]) => upto.has(pageOf(f as FormField)))) as FieldErrors;
}

/** The answers back as the form's string values (to edit a request and resubmit it). */
export function answersToForm(a: AccountRequestAnswers): Partial<Record<FormField, string>> {
  return {
    platform: a.platform,
    platformOther: a.platformOther ?? '',
    accountName: a.accountName,
    department: a.department ?? '',
    aim: a.aim,
    content: a.content,
    audience: a.audience.join(','),
    pupilAgeFrom: a.pupilAgeFrom === undefined ? '' : String(a.pupilAgeFrom),
    pupilAgeTo: a.pupilAgeTo === undefined ? '' : String(a.pupilAgeTo),
    otherSchools: a.otherSchools ?? '',
    audienceOther: a.audienceOther ?? '',
    contributors: a.contributors.join(','),
    contributorsOther: a.contributorsOther ?? '',
    openness: a.openness,
    promotion: a.promotion,
    administrators: a.administrators.map((p) => p.aadObjectId).join(','),
    moderators: a.moderators.map((p) => p.aadObjectId).join(','),
    vetting: a.vetting,
    host: a.host,
    hostName: a.hostName ?? '',
    lineManager: a.lineManager.aadObjectId,
    consent: a.consent ?? '',
    security: a.security,
    goLive: a.goLive,
    reviewDate: a.reviewDate,
    exitStrategy: a.exitStrategy,
    successMeasures: a.successMeasures,
  };
}

export const describePlatform = (a: Pick<AccountRequestAnswers, 'platform' | 'platformOther'>) =>
  a.platform === 'other' && a.platformOther ? `Other: ${a.platformOther}` : (ACCOUNT_PLATFORMS[a.platform] ?? String(a.platform));

export function describeGroups(groups: Group[], a: Partial<AccountRequestAnswers>, otherText?: string): string {
  return groups
    .map((g) => {
      if (g === 'pupils' && a.pupilAgeFrom !== undefined) return `${GROUPS.pupils} (aged ${a.pupilAgeFrom}–${a.pupilAgeTo})`;
      if (g === 'otherPupils' && a.otherSchools) return `${GROUPS.otherPupils} (${a.otherSchools})`;
      if (g === 'other' && otherText) return `Others: ${otherText}`;
      return GROUPS[g] ?? g;
    })
    .join(', ');
}

const names = (ps: PersonRef[]) => ps.map((p) => p.name).join(', ');
const ukDate = (d: string) => (DATE.test(d) ? describeWhen(d) : d);

/** The answers as label/value rows (summary card, approval card), in the order of the form. */
export function accountRequestFacts(a: AccountRequestAnswers): Array<{ title: string; value: string }> {
  const min = minimumAge(a.platform);
  return [
    { title: 'Platform', value: describePlatform(a) + (min ? ` (minimum age ${min})` : ' (check its minimum age)') },
    { title: 'Proposed account name', value: a.accountName },
    ...(a.department ? [{ title: 'Department', value: a.department }] : []),
    { title: 'Aim and reason', value: a.aim },
    { title: 'Proposed content', value: a.content },
    { title: 'Intended audience', value: describeGroups(a.audience, a, a.audienceOther) },
    { title: 'Who may contribute', value: describeGroups(a.contributors, a, a.contributorsOther) },
    { title: 'Open or private', value: OPENNESS[a.openness] ?? a.openness },
    { title: 'How it will be promoted', value: a.promotion },
    { title: 'Administrators', value: names(a.administrators) },
    { title: 'Moderators', value: names(a.moderators) },
    { title: 'Who vets external contributors', value: a.vetting },
    { title: 'Host', value: a.host === 'thirdParty' && a.hostName ? `Third party: ${a.hostName}` : (HOSTS[a.host] ?? a.host) },
    { title: 'Line manager', value: a.lineManager.name },
    ...(a.consent ? [{ title: 'How consent is obtained', value: a.consent }] : []),
    { title: 'Security measures', value: a.security },
    { title: 'Go-live date', value: ukDate(a.goLive) },
    { title: 'Review or closure date', value: ukDate(a.reviewDate) },
    { title: 'Exit strategy', value: a.exitStrategy },
    { title: 'How success will be judged', value: a.successMeasures },
  ];
}

/** Who may be named as administrator, moderator, line manager or new lead: the school's staff. */
export const schoolStaff = (members: Member[]) => members.filter((m) => m.roles.includes('staff')).sort((a, b) => a.name.localeCompare(b.name));
