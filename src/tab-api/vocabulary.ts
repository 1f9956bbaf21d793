import { AFFECTED, INCIDENT_CATEGORIES, LEGACY_INCIDENT_CATEGORIES, PLATFORMS, RESPONSIBLE } from '../domain/cases/incident.js';
import { STATUS_LABELS, type CaseKind, type SubmittedKind, type CaseStatus, type ReferralBody, type ReferralWithin, type Severity } from '../domain/cases/types.js';
import type { DeadlineState } from '../domain/cases/referrals.js';
import { ROLES, type Role } from '../domain/directory/directory.js';
import { GROUPS, HOSTS, OPENNESS } from '../domain/account-requests/account-request.js';
import { ACCOUNT_PLATFORMS } from '../domain/account-requests/minimum-age.js';
import { CONNECTED_PLATFORMS, OTHER_RELATIVES, RELATIONSHIPS } from '../domain/declarations/declaration.js';
import { describeWhen } from '../domain/time.js';

/** The words the tab shows for the domain's codes, and the only values its filters accept. */

export const KIND_LABELS: Record<SubmittedKind, string> = {
  incident: 'Incident report',
  accountRequest: 'Account request',
  familyDeclaration: 'Family relationship',
  postProposal: 'Post for a school account',
};
export const KINDS = Object.keys(KIND_LABELS) as SubmittedKind[];
export const SEVERITIES: Severity[] = ['high', 'medium', 'low'];
export const STATUSES = Object.keys(STATUS_LABELS) as CaseStatus[];

/** Incident categories and (for account requests) platforms: the category a case may carry. */
export const CATEGORY_LABELS: Record<string, string> = { ...PLATFORMS, ...INCIDENT_CATEGORIES, ...LEGACY_INCIDENT_CATEGORIES };
export const CATEGORIES = Object.keys(CATEGORY_LABELS);

/** What a case's category is for each kind: an incident's category, a request's platform, a declaration's relationship. */
export const CATEGORY_LABELS_BY_KIND: Partial<Record<CaseKind, Record<string, string>>> = {
  incident: { ...INCIDENT_CATEGORIES, ...LEGACY_INCIDENT_CATEGORIES },
  accountRequest: ACCOUNT_PLATFORMS,
  familyDeclaration: RELATIONSHIPS,
  postProposal: ACCOUNT_PLATFORMS,
};

/** A category in the words of its own kind; a code no vocabulary knows (an old record) is made readable, never shown raw. */
export const categoryLabelOf = (kind: CaseKind, c: string): string => CATEGORY_LABELS_BY_KIND[kind]?.[c] ?? humanise(c);

export const ROLE_LABELS: Record<Role, string> = {
  staff: 'Staff',
  slt: 'Senior leadership',
  headteacher: 'Headteacher',
  dsl: 'Designated safeguarding lead',
  deputyDsl: 'Deputy DSL',
  chair: 'Chair of governors',
  admin: 'Administrator',
};
export { ROLES };

const ANSWER_LABELS: Record<string, string> = {
  category: 'Category',
  affected: 'Who is affected',
  responsible: 'Who is responsible',
  platform: 'Platform',
  platformOther: 'Platform (other)',
  where: 'Where (link, group or account)',
  when: 'When',
  whatHappened: 'What happened',
  pupilAtRisk: 'Is a pupil at risk?',
  subject: 'Who it is about',
};

/** Answers whose codes mean something else in another kind's form. */
const KIND_VALUE_LABELS: Partial<Record<CaseKind, Record<string, Record<string, string>>>> = {
  accountRequest: { platform: ACCOUNT_PLATFORMS },
  familyDeclaration: { relationship: RELATIONSHIPS, platforms: CONNECTED_PLATFORMS, otherRelatives: OTHER_RELATIVES },
};

/** Answers that hold a date (and perhaps a time), stored as `yyyy-mm-dd[Thh:mm]`. */
const DATE_ANSWERS = new Set(['when', 'goLive', 'reviewDate']);

const VALUE_LABELS: Record<string, Record<string, string>> = {
  category: { ...INCIDENT_CATEGORIES, ...LEGACY_INCIDENT_CATEGORIES },
  affected: AFFECTED,
  responsible: RESPONSIBLE,
  platform: PLATFORMS,
  pupilAtRisk: { yes: 'Yes', no: 'No', unsure: 'Unsure' },
  audience: GROUPS,
  contributors: GROUPS,
  openness: OPENNESS,
  host: HOSTS,
};

export const categoryLabel = (c: string) => CATEGORY_LABELS[c] ?? c;

/** Answers as label/value text pairs, in a stable order; the tab renders them as text, never markup. */
export function presentAnswers(answers: Record<string, unknown>, kind: CaseKind = 'incident'): Array<{ key: string; label: string; value: string }> {
  if (kind === 'postProposal') answers = postAnswersForTab(answers);
  const labels = { ...VALUE_LABELS, ...KIND_VALUE_LABELS[kind] };
  return Object.entries(answers)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([key, v]) => ({ key, label: ANSWER_LABELS[key] ?? humanise(key), value: formatValue(key, v, labels) }));
}

/** A post's answers as people read them: the account, the text, the pupils and which are named, each check answered. */
function postAnswersForTab(a: Record<string, unknown>): Record<string, unknown> {
  const pupils = Array.isArray(a.pupils) ? (a.pupils as Array<{ pupilId?: string; name?: string; classOrYear?: string }>) : [];
  const named = new Set(Array.isArray(a.namedInText) ? (a.namedInText as string[]) : []);
  const checks = Array.isArray(a.checks) ? (a.checks as Array<{ question?: string }>) : [];
  return {
    account: `${String(a.accountName ?? '')} (${String(a.platformLabel ?? a.platform ?? '')})`,
    text: a.text,
    pupilsNamed: pupils.length ? pupils.map((p) => (p.classOrYear ? `${p.name} (${p.classOrYear})` : p.name)).join(', ') : 'None',
    namesInTheText: pupils.filter((p) => p.pupilId && named.has(p.pupilId)).map((p) => p.name).join(', ') || 'None',
    ...Object.fromEntries(checks.map((c, i) => [`check${i + 1}`, `${c.question ?? ''} Yes`])),
  };
}

function humanise(key: string): string {
  const s = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function formatValue(key: string, v: unknown, labels = VALUE_LABELS): string {
  if (typeof v === 'string') return labels[key]?.[v] ?? (DATE_ANSWERS.has(key) ? describeWhen(v) : v);
  if (typeof v === 'number' || typeof v === 'boolean') return typeof v === 'boolean' ? (v ? 'Yes' : 'No') : String(v);
  if (Array.isArray(v)) return v.map((x) => formatValue(key, x, labels)).join(', ');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.name === 'string') return o.name;
    return Object.entries(o)
      .map(([k, x]) => `${humanise(k)}: ${formatValue(k, x, labels)}`)
      .join('; ');
  }
  return '';
}

/** Bodies outside the school, as a sentence names them ("LADO referral due…"). */
export const REFERRAL_BODY_LABELS: Record<ReferralBody, string> = {
  lado: 'LADO',
  ico: 'ICO',
  police: 'Police',
  childrensSocialCare: "Children's social care",
  ceop: 'CEOP',
  prevent: 'Prevent',
};
/** The same, in full, for the choice of body in the form. */
export const REFERRAL_BODY_NAMES: Record<ReferralBody, string> = {
  lado: 'LADO (local authority designated officer)',
  ico: "ICO (Information Commissioner's Office)",
  police: 'Police',
  childrensSocialCare: "Children's social care",
  ceop: 'CEOP (child exploitation and online protection)',
  prevent: 'Prevent (Channel)',
};
export const REFERRAL_WITHIN_LABELS: Record<ReferralWithin, string> = {
  immediately: 'immediately',
  oneWorkingDay: 'within one working day',
  '72hours': 'within 72 hours',
  unspecified: 'no time set',
};
export const DEADLINE_STATE_LABELS: Record<DeadlineState, string> = { met: 'Made', open: 'Due', overdue: 'Overdue' };
