import type { CaseEvent, CaseRecord, CaseStatus, CaseSummary, EvidenceRecord, OutboxItem, PersonRef } from './types.js';

/**
 * What the case services and the outbox dispatcher need from storage, declared here and implemented in
 * src/storage (CaseRepository, TableOutboxStore), so the domain never imports a repository.
 */

export interface NewCaseInput {
  schoolId: string;
  referencePrefix: string;
  /** Client-generated id of this submission (the draft id): a double-tapped Submit makes one case. */
  submissionId: string;
  kind: CaseRecord['kind'];
  category: string;
  status: CaseStatus;
  routing: CaseRecord['routing'];
  submitter: PersonRef;
  answers: Record<string, unknown>;
  stage?: Record<string, unknown>;
  evidence: EvidenceRecord[];
  /** Messages owed because of this case (alerts, notices, receipt), written in the same transaction. */
  outbox: Array<Pick<OutboxItem, 'kind' | 'recipient' | 'payload'>>;
  createdEvent?: Omit<CaseEvent, 'at' | 'type'>;
  /** Events recorded with the case, after its creation (e.g. who was left out of it). */
  moreEvents?: Array<Omit<CaseEvent, 'at'>>;
  now: string;
}

export interface CaseDetail {
  case: CaseRecord;
  events: CaseEvent[];
  evidence: EvidenceRecord[];
  outbox: OutboxItem[];
}

export interface CaseChange {
  status?: CaseStatus;
  assignee?: PersonRef | null;
  outcome?: string;
  stage?: Record<string, unknown>;
  acknowledged?: CaseRecord['acknowledged'];
  answers?: Record<string, unknown>;
  routing?: CaseRecord['routing'];
  /** A resubmitted account request may change its platform. */
  category?: string;
  /** Referrals made outside the school: the whole list as it now is. */
  referrals?: CaseRecord['referrals'];
  /** Place a legal hold, or lift it (null). */
  legalHold?: CaseRecord['legalHold'] | null;
  /** A review at the end of the retention period that kept the case. */
  retentionReview?: CaseRecord['retentionReview'];
  event: Omit<CaseEvent, 'at'>;
  /** Screenshots the reporter added after sending, stored with the change. */
  evidence?: EvidenceRecord[];
  outbox?: Array<Pick<OutboxItem, 'kind' | 'recipient' | 'payload'>>;
  /** Extra events (e.g. a queued-alert line per recipient). */
  moreEvents?: Array<Omit<CaseEvent, 'at'>>;
}

/**
 * The case as a change leaves it: the one rule every CaseStore applies (the Table repository and the tests'
 * in-memory store), so a field added to CaseChange is applied the same way everywhere.
 */
export function applyCaseChange(before: CaseRecord, change: CaseChange, now: string): CaseRecord {
  return {
    ...before,
    status: change.status ?? before.status,
    assignee: change.assignee === null ? undefined : (change.assignee ?? before.assignee),
    outcome: change.outcome ?? before.outcome,
    stage: change.stage ?? before.stage,
    acknowledged: change.acknowledged ?? before.acknowledged,
    answers: change.answers ?? before.answers,
    routing: change.routing ?? before.routing,
    category: change.category ?? before.category,
    referrals: change.referrals ?? before.referrals,
    legalHold: change.legalHold === null ? undefined : (change.legalHold ?? before.legalHold),
    retentionReview: change.retentionReview ?? before.retentionReview,
    // A hold or a review changes nothing about the record itself: its retention still counts from its last real change.
    updatedAt: change.legalHold !== undefined || change.retentionReview !== undefined ? before.updatedAt : now,
  };
}

export interface ListOptions {
  /** Extra OData filter (already validated/escaped by the caller's filter builder). */
  filter?: string;
  pageSize?: number;
  continuationToken?: string;
}

export interface CasePage {
  items: CaseSummary[];
  continuationToken?: string;
}

/** Cases, their chronology and the messages they owe; every change atomic and guarded by the case's ETag. */
export interface CaseStore {
  /** Save a new case with everything it owes, at once; a second call for one submission returns the first case. */
  create(input: NewCaseInput): Promise<{ case: CaseRecord; duplicate: boolean }>;
  bySubmission(schoolId: string, submissionId: string): Promise<CaseRecord | undefined>;
  /** The case with its chronology, evidence and alert states, and the ETag a change must quote. */
  get(schoolId: string, caseId: string): Promise<(CaseDetail & { etag: string }) | undefined>;
  /** Append a chronology event without touching the case; returns a handle to correct it with. */
  addEvent(schoolId: string, caseId: string, ev: Omit<CaseEvent, 'at'>, now: string): Promise<string>;
  /** Change what an added event records (only its type), or remove it. */
  correctEvent(schoolId: string, eventKey: string, type: CaseEvent['type'] | 'remove'): Promise<void>;
  /** Change a case with its events and owed messages; throws ConcurrentUpdateError when `etag` is stale. */
  update(schoolId: string, caseId: string, etag: string, change: CaseChange, now: string): Promise<CaseRecord>;
  /** Open cases, most severe then newest first. */
  listOpen(schoolId: string, opts?: ListOptions): Promise<CasePage>;
  /** Closed (decided, withdrawn…) cases, newest first. */
  listClosed(schoolId: string, opts?: ListOptions): Promise<CasePage>;
  /** A person's own submissions, newest first. */
  listMine(schoolId: string, aad: string, opts?: ListOptions): Promise<CasePage>;
}

/** A message as stored, with the ETag that guards its next write. */
export type StoredOutboxItem = OutboxItem & { etag?: string };

/** Messages a transaction just queued, with their ETags, so this instance can send them at once. */
export interface WrittenOutbox {
  case: CaseRecord;
  /**
   * `reservedUntil`: until then the poll (of any instance) leaves the message alone, so the instance that
   * wrote it may send it with the row's ETag without claiming it first.
   */
  items: Array<StoredOutboxItem & { reservedUntil?: string }>;
}

export interface PendingPointer {
  schoolId: string;
  caseId: string;
  outboxId: string;
}

/** The messages cases owe, as the dispatcher reads, claims and settles them. */
export interface OutboxStore {
  /**
   * Messages still owed, oldest first within a school. `kind`: only those; `dueBy`: only those due by
   * then (not reserved for the instance that wrote them, not waiting for their next attempt);
   * `schoolIds`: only those schools'.
   */
  pendingPointers(limit?: number, kind?: OutboxItem['kind'], dueBy?: string, schoolIds?: readonly string[]): Promise<PendingPointer[]>;
  getOutbox(schoolId: string, caseId: string, outboxId: string): Promise<StoredOutboxItem | undefined>;
  /** Record an attempt's result (ETag-guarded); a final state ends the message's pending pointer, with `event` on the case. */
  saveOutbox(item: StoredOutboxItem, event?: Omit<CaseEvent, 'at'>, now?: string): Promise<void>;
  /** Take a pending message for sending until `until`; the new ETag, or undefined if another instance has it. */
  claimOutbox(item: StoredOutboxItem, until: string): Promise<string | undefined>;
  /** The case a message is about (its cards are rendered from it). */
  caseOf(schoolId: string, caseId: string): Promise<CaseRecord | undefined>;
}

/**
 * What proactive delivery needs to reach a person in their 1:1 chat with the bot. Plain data: the domain
 * and the outbox use it without importing the Bot Framework SDK.
 */
export interface ConversationRef {
  tenantId: string;
  aadObjectId: string;
  /** The Teams user id (29:…) in this bot's conversations. */
  userId: string;
  userName?: string;
  conversationId: string;
  serviceUrl: string;
  channelId: string;
  botId: string;
  botName?: string;
  updatedAt: string;
}
