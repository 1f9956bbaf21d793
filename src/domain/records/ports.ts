/**
 * What the records work (retention, legal hold, subject access, erasure, leavers) needs from storage, declared
 * here and implemented in src/storage/records-repository.ts, so the domain never imports a repository.
 */
import type { CaseKind, CaseRecord, PersonRef } from '../cases/types.js';

/** What is left of a record destroyed on schedule (or erased): enough to show it existed and why it went. No content, no names but the authoriser's. */
export interface Tombstone {
  schoolId: string;
  caseId: string;
  reference: string;
  kind: CaseKind;
  category: string;
  createdAt: string;
  /** When it ended (closed, decided, its account closed…); absent for an erasure of a live record. */
  endedAt?: string;
  /** When it became due under the schedule. */
  dueAt?: string;
  destroyedAt: string;
  /** `schedule`: destroyed by the sweeper; `erasure`: erased on request, with the reason. */
  why: 'schedule' | 'erasure' | 'review';
  /** The schedule that applied: the baseline's version and the school's profile version. */
  scheduleVersion: string;
  /** Who authorised it: the administrator who made that profile version current (or the policy file), or who erased it. */
  authorisedBy: string;
  /** The schedule lines that applied, in words. */
  lines: string[];
  /** Erasure or review: why (UK GDPR article 17 grounds as the administrator gave them, or the reviewer's reason). */
  reason?: string;
}

/** A record whose period has ended with `review`: a person decides (it is never destroyed unseen). */
export interface ReviewDue {
  schoolId: string;
  caseId: string;
  reference: string;
  kind: CaseKind;
  category: string;
  dueAt: string;
  lines: string[];
}

/** A person who left a school: when, and who removed them. Ids only. */
export interface Leaver {
  schoolId: string;
  aadObjectId: string;
  leftAt: string;
  removedByAad: string;
}

/** A subject access export, as recorded. The search text is kept: it is what was asked for. */
export interface ExportRecord {
  schoolId: string;
  id: string;
  at: string;
  by: PersonRef;
  /** Whom it was about: a member (id and name), or the free text searched for. */
  subject: { aadObjectId?: string; name: string };
  /** How many records of each source it held. */
  counts: Record<string, number>;
}

/** A case id and the row the closed index keeps for it: the sweeper's work list. */
export interface ClosedRef {
  caseId: string;
  kind: CaseKind;
  category: string;
  createdAt: string;
}

export interface RecordsStore {
  /** Every closed (or decided) case of a school: the only ones the schedule can make due. */
  closedCases(schoolId: string): AsyncIterable<ClosedRef>;
  /**
   * Take a case for destruction until `until`, guarded by the ETag it was read with. False when someone changed
   * it since (a hold placed, a note added) or another instance holds it.
   */
  claimForDestruction(schoolId: string, caseId: string, etag: string, now: string, until: string): Promise<boolean>;
  /**
   * Write the tombstone (first: a crash after it leaves the case to be destroyed again, never a destruction
   * without its tombstone), then delete the case's blobs (each original and every file derived from it), its
   * chronology, evidence, messages, index and lookup rows, and last the case row. Idempotent.
   */
  destroyCase(c: CaseRecord, blobNames: string[], tombstone: Tombstone): Promise<void>;
  tombstones(schoolId: string, limit: number): Promise<Tombstone[]>;
  /** Record (idempotently) that a record is due for review; `clearReview` when it is no longer (held, reviewed, destroyed). */
  markForReview(r: ReviewDue): Promise<void>;
  clearReview(schoolId: string, caseId: string): Promise<void>;
  reviews(schoolId: string, limit: number): Promise<ReviewDue[]>;
  review(schoolId: string, caseId: string): Promise<ReviewDue | undefined>;
  recordLeaver(l: Leaver): Promise<void>;
  leaver(schoolId: string, aad: string): Promise<Leaver | undefined>;
  recordExport(e: ExportRecord): Promise<void>;
  exports(schoolId: string, limit: number): Promise<ExportRecord[]>;
}
