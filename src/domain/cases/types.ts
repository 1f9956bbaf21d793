/** Cases: the three kinds of submission, their routing, chronology, evidence and alerts. No SDK imports. */
import type { Role as PolicyRole } from '../policy/profile.js';

export type CaseKind = 'incident' | 'accountRequest' | 'familyDeclaration' | 'postProposal' | 'policyRollout';
/** The kinds of case people submit (a policy rollout is a record of the school's own, never in the case lists). */
export type SubmittedKind = Exclude<CaseKind, 'policyRollout'>;
export type Severity = 'high' | 'medium' | 'low';
export const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Incidents: new → inProgress → closed. Requests and declarations add their own stages. */
export type CaseStatus =
  | 'new'
  | 'inProgress'
  | 'closed'
  | 'awaitingApproval'
  | 'changesRequested'
  | 'approved'
  | 'rejected'
  | 'awaitingAcknowledgement'
  | 'discussionRequested'
  | 'acknowledged'
  | 'withdrawn';

/** Statuses after which a case leaves the open list. */
export const FINAL_STATUSES: ReadonlySet<CaseStatus> = new Set(['closed', 'approved', 'rejected', 'acknowledged', 'withdrawn']);
export const isOpen = (s: CaseStatus) => !FINAL_STATUSES.has(s);

export const STATUS_LABELS: Record<CaseStatus, string> = {
  new: 'New',
  inProgress: 'In progress',
  closed: 'Closed',
  awaitingApproval: 'Awaiting approval',
  changesRequested: 'Changes requested',
  approved: 'Approved',
  rejected: 'Rejected',
  awaitingAcknowledgement: 'Awaiting acknowledgement',
  discussionRequested: 'Discussion requested',
  acknowledged: 'Acknowledged',
  withdrawn: 'Withdrawn',
};

export interface PersonRef {
  aadObjectId: string;
  name: string;
}

/** Who must see a case. Decided from the answers by a pure function (routing.ts), stored on the case. */
export interface Routing {
  /** A safeguarding concern: every DSL and deputy DSL is alerted at once. */
  safeguarding: boolean;
  /** The concern is about the headteacher: the chair of governors handles it and the head never sees it. */
  aboutHead: boolean;
  /** The queue that owns the case. */
  queue: 'dsl' | 'slt' | 'chair' | 'head';
  severity: Severity;
  /** Short reasons, for the tab ("indecent images", "pupil at risk"). */
  reasons: string[];
  /**
   * Who the school's policy (made no weaker than the statutory baseline) says is told, beyond the app's own
   * routing above: never `head` when the concern is about the head. Absent on cases saved before profiles.
   */
  policyTell?: PolicyRole[];
  /** A report that a member of staff may have harmed a child (KCSIE allegations): the head is the case manager. */
  allegation?: boolean;
  /** Referrals outside the school this case owes, and within what time (statutory guidance or the school's policy). */
  external?: OwedReferral[];
  /**
   * The member of staff the report is about, when the reporter named them: never alerted or told of the case,
   * and never shown it, whatever roles they hold.
   */
  subject?: PersonRef;
  /** The reporter's line manager when the school's policy tells them (`policyTell` has `lineManager`): they may open the case. */
  lineManagerAad?: string;
}

/** A referral outside the school that a case's route requires, and within what time. */
export interface OwedReferral {
  body: ExternalBody;
  within: ReferralWithin;
}

/** Bodies outside the school a case may be referred to. Routing owes only the first five; a Prevent referral is recorded when made. */
export type ReferralBody = 'lado' | 'ico' | 'police' | 'childrensSocialCare' | 'ceop' | 'prevent';
export type ExternalBody = Exclude<ReferralBody, 'prevent'>;
export type ReferralWithin = 'immediately' | 'oneWorkingDay' | '72hours' | 'unspecified';

/** A referral made outside the school, as recorded on the case by the person who made it (or for them). */
export interface ExternalReferral {
  body: ReferralBody;
  /** Who made the referral. */
  referredBy: PersonRef;
  /** When it was made (an instant, ISO). */
  at: string;
  /** The body's own reference number for it. */
  reference: string;
  note?: string;
  recordedBy: PersonRef;
  recordedAt: string;
}

export interface CaseRecord {
  schoolId: string;
  id: string;
  reference: string;
  kind: CaseKind;
  /** For incidents, the category; for requests, the platform; for declarations, the relationship. */
  category: string;
  status: CaseStatus;
  routing: Routing;
  submitter: PersonRef;
  assignee?: PersonRef;
  /** Every answer of the flow, as submitted (kind-specific shape). */
  answers: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** Outcome when closed/decided. */
  outcome?: string;
  /** Kind-specific progress: approval stage, acknowledgement, etc. */
  stage?: Record<string, unknown>;
  /** Safeguarding alert acknowledgement. */
  acknowledged?: { by: PersonRef; at: string };
  /** Referrals made outside the school (LADO, ICO, police…), oldest first. */
  referrals?: ExternalReferral[];
  /** A legal hold (by the DSL or the head, with a reason): the case is not destroyed, whatever the retention schedule says, until it is lifted. */
  legalHold?: LegalHold;
  /** A person reviewed the case when its retention period ended and decided to keep it, until then. */
  retentionReview?: RetentionReview;
}

export interface RetentionReview {
  by: PersonRef;
  at: string;
  reason: string;
  /** Kept until this instant; then it is due for review again. */
  keepUntil: string;
}

export interface LegalHold {
  by: PersonRef;
  at: string;
  reason: string;
}

/** The row the list, "my submissions" and the open-case index carry: no answers, no names of pupils. */
export type CaseSummary = Pick<
  CaseRecord,
  'schoolId' | 'id' | 'reference' | 'kind' | 'category' | 'status' | 'createdAt' | 'updatedAt' | 'assignee' | 'acknowledged'
> & {
  severity: Severity;
  safeguarding: boolean;
  aboutHead: boolean;
  queue: Routing['queue'];
  submitterAad: string;
  /** Who the school's policy tells beyond the app's own routing (`Routing.policyTell`): they may open the case. */
  policyTell?: PolicyRole[];
  /** The line manager the policy told (`Routing.lineManagerAad`). */
  lineManagerAad?: string;
  /** The person the report is about (`Routing.subject`): never shown the case. */
  subjectAad?: string;
  /** The statutory referrals the case owes and has not yet recorded, with when each is due (null: no set time). */
  referralsOwed?: Array<{ body: ExternalBody; due: string | null }>;
};

export interface EvidenceRecord {
  id: string;
  /** Blob name in the private evidence container. */
  blobName: string;
  sha256: string;
  size: number;
  contentType: string;
  originalName: string;
  receivedAt: string;
  source: 'chat' | 'upload';
}

export type CaseEventType =
  | 'created'
  | 'viewed'
  /** Someone tried to open the case and was refused (need-to-know). */
  | 'viewRefused'
  /** Someone chose to see one picture (its display copy); blurred thumbnails are not views. */
  | 'evidenceViewed'
  /** The designated safeguarding lead or the headteacher downloaded an original, with its SHA-256. */
  | 'evidenceDownloaded'
  /** The reporter added screenshots after sending (from My submissions). */
  | 'evidenceAdded'
  | 'assigned'
  | 'noted'
  | 'statusChanged'
  | 'decided'
  | 'acknowledged'
  | 'alertQueued'
  | 'alertDelivered'
  | 'alertFailed'
  | 'recipientUnreachable'
  | 'resubmitted'
  | 'withdrawn'
  | 'exported'
  | 'leadTransferred'
  | 'accountClosed'
  /** A referral outside the school was recorded. */
  | 'referred'
  /** Someone who would have been told of the case was left out of it (the person the report is about). */
  | 'leftOut'
  /** A legal hold was placed on the case, or lifted. */
  | 'legalHoldPlaced'
  | 'legalHoldLifted'
  /** The case was reassigned because its assignee left the school. */
  | 'reassignedOnLeaving'
  /** Reviewed at the end of its retention period and kept. */
  | 'retentionReviewed';

export interface CaseEvent {
  at: string;
  type: CaseEventType;
  actor?: PersonRef;
  /** Free text that belongs in the chronology (a note, a reason, an outcome). Never logged. */
  detail?: string;
  data?: Record<string, unknown>;
}

export type OutboxKind =
  | 'dslAlert'
  | 'sltNotice'
  | 'chairNotice'
  | 'receipt'
  | 'statusUpdate'
  | 'approvalRequest'
  | 'acknowledgementRequest'
  | 'decisionNotice'
  /** The reporter added screenshots after sending: told to the designated safeguarding leads who may see the case. */
  | 'evidenceAdded'
  /** Policy rollout (src/domain/rollout): the card, its reminders, the note to a line manager or the head. */
  | 'policyRollout'
  | 'policyReminder'
  | 'policyNote';

export type OutboxState = 'pending' | 'delivered' | 'failed' | 'unreachable';

/** One message owed to one person about one case. Written in the same transaction as the case change. */
export interface OutboxItem {
  id: string;
  schoolId: string;
  caseId: string;
  kind: OutboxKind;
  recipient: PersonRef;
  /** Card data: what the card shows (never pupil names or descriptions for alerts). */
  payload: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt?: string;
  conversationId?: string;
  activityId?: string;
  lastError?: string;
  /** The Bot Connector's HTTP status for the last failed attempt (none after a delivery or a timeout). */
  lastStatus?: number;
  /** The error code of the last failed attempt: the Bot Connector's code (`ConversationBlockedByUser`…) or a network code. Never message text. */
  lastCode?: string;
  /** Set by the instance sending it, so two instances never send the same message twice. */
  claimedUntil?: string;
  /**
   * When several safeguarding alerts went to one person in one message (a burst), the cases whose cards
   * it holds, in order: updating one card in place rewrites the whole message.
   */
  sharedMessage?: string[];
}
