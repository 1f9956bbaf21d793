/**
 * The shapes of the tab API's answers: the handlers build them (checked with `satisfies`) and the Cases tab
 * reads them (web/tab/types.ts imports this module with `import type`), so a change on one side that breaks
 * the other fails the type-check. Types only: nothing here may be a value, or it would reach the tab bundle.
 */
import type { AccountRegisterRow } from '../domain/account-requests/account-request-service.js';
import type { SubmittedKind, CaseKind, CaseStatus, OutboxKind, OutboxState, Severity } from '../domain/cases/types.js';
import type { RegisterRow } from '../domain/declarations/declaration-service.js';
import type { RegisterRow as AckRegisterRow } from '../domain/rollout/rollout-service.js';
import type { Role } from '../domain/directory/directory.js';

export type { AccountRegisterRow };

export interface Option {
  value: string;
  label: string;
}

/** GET /api/tab/me */
export interface Me {
  name: string;
  aadObjectId: string;
  roles: Role[];
  school: { id: string; name: string; headTitle: string };
  schools: Array<{ id: string; name: string }>;
  can: { cases: boolean; settings: boolean; acknowledge: boolean; roleChanges: boolean; policy: boolean; consent: boolean; acknowledgements: boolean };
  vocabulary: { kinds: Option[]; categories: Option[]; statuses: Option[]; severities: Option[]; roles: Option[] };
  signedInVia: 'sso' | 'dev';
}

/** One case in a list (GET /api/tab/cases). */
export interface CaseSummary {
  id: string;
  reference: string;
  kind: CaseKind;
  kindLabel: string;
  category: string;
  categoryLabel: string;
  status: CaseStatus;
  statusLabel: string;
  severity: Severity;
  safeguarding: boolean;
  aboutHead: boolean;
  createdAt: string;
  updatedAt: string;
  assignee: { aadObjectId: string; name: string } | null;
  acknowledged: { at: string; by: string } | null;
  overdue: { alertUnacknowledged: boolean; untouched: boolean };
  /** While a statutory referral is owed and not recorded: whether one is past its time, in words ("LADO referral due"). */
  referralDue: { overdue: boolean; text: string } | null;
}

/** GET /api/tab/cases */
export interface CasePage {
  items: CaseSummary[];
  continuationToken: string | null;
}

/** GET /api/tab/cases/stats */
export interface Stats {
  open: number;
  bySeverity: Record<Severity, number>;
  byKind: Record<SubmittedKind, number>;
  unassigned: number;
  alertsUnacknowledged: number;
  untouched: number;
  /** Each kind's categories are its own: an incident's category, a request's platform, a declaration's relationship. */
  chart: {
    months: string[];
    kinds: Array<{ kind: CaseKind; label: string; total: number }>;
    categories: Array<{ kind: CaseKind; kindLabel: string; category: string; label: string; counts: number[]; total: number }>;
  };
}

/** GET /api/tab/cases/:id, and the answer to every change made to a case. */
export interface CaseDetail {
  /** `reporterTold`: what the reporter of an incident was told on sending (the same words as their reply and receipt). */
  case: CaseSummary & { reasons: string[]; submitter: string; outcome: string | null; reporterTold: string | null; legalHold: { by: string; at: string; reason: string } | null };
  answers: Array<{ key: string; label: string; value: string }>;
  /** `sha256` of the original as received: what a downloaded original is checked against. */
  evidence: Array<{ id: string; contentType: string; size: number; receivedAt: string; source: string; name: string; sha256: string }>;
  /** `message`: for delivery events, which message ("Receipt to the reporter"); for a referral, to whom and its reference. */
  events: Array<{ at: string; type: string; actor: string | null; detail: string | null; from: string | null; to: string | null; message: string | null }>;
  /** `text`: the state in words, with the Bot Connector's status and code when an attempt failed. */
  deliveries: Array<{ recipient: string; kind: OutboxKind; kindLabel: string; state: OutboxState; attempts: number; status: number | null; code: string | null; text: string }>;
  /** `downloadEvidence`: the originals may be downloaded (designated safeguarding lead, headteacher); `hold`: may place or lift a legal hold (the DSL or the head). */
  can: { acknowledge: boolean; downloadEvidence: boolean; hold: boolean; nextStatuses: Array<{ status: CaseStatus; label: string }> };
  referrals: CaseReferrals;
}

/** Referrals outside the school: the statutory deadlines the case owes, the referrals recorded, the bodies to choose. */
export interface CaseReferrals {
  /** `text`: the deadline in words with its source ("LADO referral due by Mon 9 Mar, 14:30 — within one working day (…)"). */
  deadlines: Array<{
    body: string;
    bodyLabel: string;
    within: string;
    withinLabel: string;
    due: string | null;
    state: 'met' | 'open' | 'overdue';
    stateLabel: string;
    late: boolean;
    source: string | null;
    text: string;
  }>;
  recorded: Array<{ body: string; bodyLabel: string; reference: string; at: string; referredBy: string; note: string | null; recordedBy: string; recordedAt: string }>;
  bodies: Option[];
}

/** A person to choose (assignees, an account's lead). */
export interface Person {
  aadObjectId: string;
  name: string;
  jobTitle: string | null;
}

/** One member in Settings (GET /api/tab/settings/members, PUT and POST answers). */
export interface MemberRow extends Person {
  roles: Role[];
}

/** GET /api/tab/settings/members */
export interface Members {
  items: MemberRow[];
  gaps: string[];
}

/** One entry of GET /api/tab/settings/role-changes: roles as labels, names resolved. */
export interface RoleChangeRow {
  at: string;
  kind: 'added' | 'changed' | 'removed';
  actor: { aadObjectId: string; name: string };
  member: { aadObjectId: string; name: string };
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
}

/** Where a rule comes from: the school's own clause (as the policy prints it) or the statutory guidance. */
export interface PolicyCitationRow {
  from: 'policy' | 'baseline';
  /** The school's own citation as `SchoolPolicy.cite` prints it, or the guidance's title and section with who publishes it. */
  label: string;
  /** The policy's own words; for the guidance, our paraphrase (`paraphrase`). */
  quote: string;
  paraphrase: boolean;
}

/** One rule of the school's current policy, as the app applies it. */
export interface PolicyRuleRow {
  id: string;
  group: string;
  label: string;
  /** The school's own policy speaks to this. */
  inPolicy: boolean;
  /** The app works to a rule here (the policy's, the statutory baseline's, or both). */
  applies: boolean;
  /** The rule in words, in the school's own terms. */
  value: string[];
  citations: PolicyCitationRow[];
  /** What the statutory baseline added to or made stricter than the policy. */
  strengthened: string[];
  /** When the baseline's part applies. */
  conditions: string[];
  /** How the policy was read, where it needed reading. */
  notes: string[];
}

/** GET /api/tab/settings/policy, and the answer to POST /api/tab/settings/policy/current. */
export interface PolicyPage {
  school: string;
  /** false: no profile is held for this school; the app shows no policy of its own, only the statutory baseline. */
  held: boolean;
  policyName: string;
  title: string | null;
  date: string | null;
  current: { version: number; setBy: string; at: string } | null;
  terms: Array<{ label: string; value: string }>;
  rules: PolicyRuleRow[];
  versions: Array<{ version: number; notes: string[]; addedAt: string; current: boolean }>;
  /** The trail of changes of the current version, newest first. */
  changes: Array<{ at: string; by: string; from: number | null; to: number }>;
  canSwitch: boolean;
}

/** One row of GET /api/tab/registers/family. */
export type FamilyRegisterRow = RegisterRow;

/** GET /api/tab/registers/accounts (a transfer or a closure answers with the rows alone). */
export interface AccountRegister {
  items: AccountRegisterRow[];
  staff: Person[];
}

/** GET/POST /api/tab/cases/:id/approval */
export interface ApprovalState {
  status: string;
  round: number;
  step: number;
  canDecide: boolean;
  chain: Array<{ role: string; approver: string | null; state: string; skippedBecause: string | null; decidedAt: string | null }>;
  decisions: Array<{ round: number; role: string; by: string; decision: string; at: string; reason: string | null }>;
}

/** One request to join the school (GET /api/tab/settings/enrolments). */
export interface PendingEnrolment {
  aadObjectId: string;
  name: string;
  email: string | null;
  requestedAt: string;
}

/** One person of the development sign-in (GET /api/tab/dev/users). */
export interface DevUser {
  aadObjectId: string;
  name: string;
  school: string;
  roles: Role[];
  roleLabels: string[];
}

/** Every list answer of the tab API. */
export interface Items<T> {
  items: T[];
}

/** One pupil of the photo-consent register (GET /api/tab/consent). */
export interface ConsentRow {
  pupilId: string;
  name: string;
  classOrYear: string;
  /** Platform keys with consent. */
  platforms: string[];
  consentForNames: boolean;
  doNotPublish: boolean;
  updatedAt: string;
  updatedBy: string | null;
}

/** GET /api/tab/consent */
export interface ConsentRegister {
  items: ConsentRow[];
  /** Every class or year group in the register, for the filter. */
  classes: string[];
  platforms: Option[];
  /** Send back with an edit or an import, so neither overwrites a change made meanwhile. */
  revision: string;
  /** The CSV headers an import accepts, in words. */
  acceptedHeaders: string;
}

/** What one pupil's record was and became. */
export interface ConsentChangeDto {
  pupilId: string;
  kind: 'added' | 'changed';
  line: number | null;
  name: string;
  /** In words: "Class 3A → 3B; Instagram: no → yes". */
  summary: string;
}

/** POST /api/tab/consent/import (?preview=1 writes nothing). */
export interface ConsentImportResult {
  committed: boolean;
  rows: number;
  errors: Array<{ line: number; message: string }>;
  added: number;
  changed: number;
  unchanged: number;
  notInFile: number;
  /** At most the first 500 changes. */
  changes: ConsentChangeDto[];
  revision: string;
}

/** GET /api/tab/consent/history */
export interface ConsentHistoryRow {
  at: string;
  by: string;
  kind: 'edited' | 'imported';
  text: string;
  importId: string | null;
}

/** One evidence picture's blurred-gallery thumbnail, as a data: URL (null: no preview can be made of that file). */
export interface Thumbnail {
  id: string;
  src: string | null;
}

/** One approved post on the post register (GET /api/tab/registers/posts). */
export interface PostRegisterRow {
  id: string;
  reference: string;
  accountName: string;
  platform: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string;
  approvedAt: string;
  /** "Ava Brown (Year 4)". */
  pupils: string[];
  photos: number;
  text: string;
}

/** GET /api/tab/settings/records: the retention schedule in force, its history, tombstones, reviews and exports. */
export interface RecordsPage {
  /** "baseline v2, school policy v3" */
  version: string;
  authorisedBy: string;
  authorisedAt: string | null;
  schedule: Array<{ record: string; label: string; keep: string; then: string; source: string; sourceText: string; note: string | null; origin: string }>;
  /** Changes of the policy version (and so of the schedule), newest first. */
  changes: Array<{ at: string; by: string; from: number | null; to: number }>;
  /** Records destroyed, newest first: enough to show each existed and went on schedule. */
  tombstones: Array<{ reference: string; kind: string; category: string; createdAt: string; endedAt: string | null; dueAt: string | null; destroyedAt: string; why: string; scheduleVersion: string; authorisedBy: string }>;
  /** Records whose period has ended with a review: a person decides. */
  reviews: Array<{ reference: string; kind: string; category: string; dueAt: string; lines: string[] }>;
  /** Subject access exports made, newest first. */
  exports: Array<{ at: string; by: string; subject: string; records: number }>;
}

/** GET /api/tab/cases/:id/retention: where a case stands under the retention schedule. */
export interface CaseRetention {
  /** Its period ended with a review: a person decides (the DSL or the head, `canReview`). */
  reviewDue: { dueAt: string; lines: string[] } | null;
  /** A review that kept it, and until when. */
  kept: { by: string; at: string; reason: string; keepUntil: string } | null;
  canReview: boolean;
}

/** POST /api/tab/cases/:id/retention: destroyed, or kept with where it now stands. */
export type CaseRetentionDecision = { destroyed: true } | { destroyed: false; retention: CaseRetention };

/**
 * One person's line in the acknowledgement register: the rollout's row, with why a card did not arrive said in
 * words (`problem`) instead of the outbox's status and code.
 */
export type AckRow = Omit<AckRegisterRow, 'lastStatus' | 'lastCode'> & {
  statusLabel: string;
  /** Why the card did not arrive, in words. */
  problem: string | null;
};

/** GET /api/tab/policy/acknowledgements */
export interface AckRegister {
  school: string;
  policyName: string;
  version: number;
  versions: number[];
  rolloutReady: boolean;
  counts: Record<AckRow['status'], number> & { total: number };
  rows: AckRow[];
  canRollOut: boolean;
}

/** POST /api/tab/policy/rollout */
export type { RolloutResult } from '../domain/rollout/rollout-service.js';

/** GET /api/tab/policy/text: the policy as the school printed it, for every member. */
export interface PolicyText {
  school: string;
  policyName: string;
  title: string | null;
  date: string | null;
  clauses: Array<{ label: string | null; heading: string | null; text: string }>;
}
