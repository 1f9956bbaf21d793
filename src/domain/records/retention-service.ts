/**
 * Records kept for as long as the school's retention schedule says, then destroyed (or listed for review),
 * with a tombstone that shows an auditor each record existed and went on schedule; and legal holds, which stop
 * that until they are lifted. The sweeper is safe across instances: a case is claimed with its ETag before
 * anything of it is deleted, so two sweepers never both destroy one, and a hold placed after the sweeper read
 * the case makes its claim fail.
 */
import { canView } from '../cases/access.js';
import { CaseNotFoundError, ConcurrentUpdateError, InvalidChangeError, NotAllowedError } from '../cases/errors.js';
import type { CaseStore } from '../cases/ports.js';
import { summaryOf } from '../cases/summary.js';
import type { CaseRecord } from '../cases/types.js';
import { isAdmin, isDsl, isHead, personRef, type Member } from '../directory/directory.js';
import type { PolicyChange } from '../policy/policy-store.js';
import type { SchoolPolicy } from '../policy/school-policy.js';
import type { StatutoryBaseline } from '../policy/profile.js';
import type { RecordsStore, ReviewDue, Tombstone } from './ports.js';
import { disposalOf, earliestPossibleDue, effectiveSchedule, isDue, retainedCase, type ScheduleLine } from './schedule.js';

/** How long a sweeper holds a case it is destroying: far longer than deleting one case's rows and blobs takes. */
export const DESTRUCTION_CLAIM_MS = 10 * 60 * 1000;
/** How often the sweeper runs. */
export const RECORDS_SWEEP_EVERY_MS = 6 * 60 * 60 * 1000;
const REASON_LIMIT = 2000;
/** Cases a sweeper works on at once. */
const SWEEP_CONCURRENCY = 4;

/** The schedule a school works to now, with the versions it comes from and who authorised them. */
export interface ScheduleInForce {
  lines: ScheduleLine[];
  /** "baseline v2, school policy v3" */
  version: string;
  /** Who made the school's current policy version current: an administrator's name, or the policy file. */
  authorisedBy: string;
  authorisedAt: string | null;
}

export interface RetentionDeps {
  store: RecordsStore;
  cases: CaseStore & { idByReference(schoolId: string, reference: string): Promise<string | undefined> };
  policies: {
    readonly baseline: StatutoryBaseline;
    forSchool(id: string): Promise<SchoolPolicy>;
    changes(schoolId: string, limit?: number): Promise<PolicyChange[]>;
  };
  directory: { member(schoolId: string, aad: string): Promise<Member | undefined> };
  clock: () => Date;
}

export const canHold = (m: Pick<Member, 'roles'>): boolean => isDsl(m) || isHead(m);

export class RetentionService {
  constructor(private readonly deps: RetentionDeps) {}

  async schedule(schoolId: string): Promise<ScheduleInForce> {
    const { policies, directory } = this.deps;
    const policy = await policies.forSchool(schoolId);
    const [last] = await policies.changes(schoolId, 1);
    let authorisedBy = 'the policy file, read at start';
    if (last?.actorAad) authorisedBy = (await directory.member(schoolId, last.actorAad))?.name ?? 'an administrator no longer in the directory';
    if (!policy.profile) authorisedBy = 'the statutory baseline (no school policy held)';
    return {
      lines: effectiveSchedule(policies.baseline, policy.profile),
      version: `baseline v${policies.baseline.version}${policy.profile ? `, school policy v${policy.profile.version}` : ''}`,
      authorisedBy,
      authorisedAt: policy.profile ? (last?.at ?? null) : null,
    };
  }

  /**
   * Destroy every case of these schools that the schedule makes due, leaving a tombstone for each; list those
   * due for review. Counts only (nothing personal), for the log.
   */
  async sweep(schoolIds: readonly string[]): Promise<{ destroyed: number; review: number; held: number; lost: number }> {
    const { store, clock } = this.deps;
    const out = { destroyed: 0, review: 0, held: 0, lost: 0 };
    for (const schoolId of schoolIds) {
      const schedule = await this.schedule(schoolId);
      const work: string[] = [];
      for await (const { caseId, kind, category, createdAt } of store.closedCases(schoolId)) {
        // Most closed records are years from due: the index row says so without reading the case.
        const earliest = earliestPossibleDue(kind, category, createdAt, schedule.lines);
        if (earliest && Date.parse(earliest) <= clock().getTime()) work.push(caseId);
      }
      // A few at a time: each case is a dozen small requests, and the claims keep two workers off one case.
      let next = 0;
      const worker = async () => {
        while (next < work.length) await this.sweepOne(schoolId, work[next++], schedule, out);
      };
      await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker));
    }
    return out;
  }

  private async sweepOne(schoolId: string, caseId: string, schedule: ScheduleInForce, out: { destroyed: number; review: number; held: number; lost: number }): Promise<void> {
    const { store, cases, clock } = this.deps;
    const d = await cases.get(schoolId, caseId);
    if (!d) return;
    const now = clock();
    const leftAt = d.case.kind === 'familyDeclaration' ? (await store.leaver(schoolId, d.case.submitter.aadObjectId))?.leftAt : undefined;
    const disposal = disposalOf(retainedCase(d.case, { leftAt }), schedule.lines);
    if (disposal.state === 'held') {
      out.held++;
      return;
    }
    if (!isDue(disposal, now)) return;
    const lines = disposal.lines.map((l) => l.label);
    if (disposal.then === 'review') {
      await store.markForReview({ schoolId, caseId, reference: d.case.reference, kind: d.case.kind, category: d.case.category, dueAt: disposal.due, lines });
      out.review++;
      return;
    }
    const at = now.toISOString();
    if (!(await store.claimForDestruction(schoolId, caseId, d.etag, at, new Date(now.getTime() + DESTRUCTION_CLAIM_MS).toISOString()))) {
      out.lost++;
      return;
    }
    const tomb: Tombstone = {
      ...this.tombstoneOf(d.case, at),
      endedAt: retainedCase(d.case, { leftAt }).endedAt,
      dueAt: disposal.due,
      why: 'schedule',
      scheduleVersion: schedule.version,
      authorisedBy: schedule.authorisedBy,
      lines,
    };
    await store.destroyCase(d.case, d.evidence.map((v) => v.blobName), tomb);
    out.destroyed++;
  }


  private tombstoneOf(c: CaseRecord, at: string): Pick<Tombstone, 'schoolId' | 'caseId' | 'reference' | 'kind' | 'category' | 'createdAt' | 'destroyedAt'> {
    return { schoolId: c.schoolId, caseId: c.id, reference: c.reference, kind: c.kind, category: c.category, createdAt: c.createdAt, destroyedAt: at };
  }

  /** A legal hold on a case, by the DSL or the head, with a reason: it is kept until the hold is lifted. Recorded in the chronology. */
  async placeHold(actor: Member, caseId: string, reason: string): Promise<CaseRecord> {
    return this.changeHold(actor, caseId, reason, true);
  }

  /** Lift a legal hold (the DSL or the head, with a reason): the schedule applies again. Recorded in the chronology. */
  async liftHold(actor: Member, caseId: string, reason: string): Promise<CaseRecord> {
    return this.changeHold(actor, caseId, reason, false);
  }

  private async changeHold(actor: Member, caseId: string, reason: string, place: boolean): Promise<CaseRecord> {
    const { cases, store, clock } = this.deps;
    if (!canHold(actor)) throw new NotAllowedError('only a designated safeguarding lead or the head can place or lift a legal hold');
    const text = reason.trim();
    if (!text) throw new InvalidChangeError('Please give the reason for the legal hold.');
    if (text.length > REASON_LIMIT) throw new InvalidChangeError('The reason can be at most 2,000 characters.');
    const d = await cases.get(actor.schoolId, caseId);
    if (!d || !canView(actor, summaryOf(d.case))) throw new CaseNotFoundError(caseId);
    if (place && d.case.legalHold) throw new InvalidChangeError('This case is under a legal hold already.');
    if (!place && !d.case.legalHold) throw new InvalidChangeError('This case is not under a legal hold.');
    const now = clock().toISOString();
    const by = personRef(actor);
    const updated = await cases.update(actor.schoolId, caseId, d.etag, {
      legalHold: place ? { by, at: now, reason: text } : null,
      event: { type: place ? 'legalHoldPlaced' : 'legalHoldLifted', actor: by, detail: text },
    }, now);
    if (place) await store.clearReview(actor.schoolId, caseId);
    return updated;
  }

  /**
   * Erase a record at a person's request (UK GDPR article 17), where the law allows it: never a safeguarding
   * record, an allegation about staff, a record under a legal hold, or one still open or in use (its retention
   * has not begun). Administrators only; a tombstone with the reason stays.
   */
  async erase(actor: Member, reference: string, reason: string): Promise<Tombstone> {
    const { cases, store, clock } = this.deps;
    if (!isAdmin(actor)) throw new NotAllowedError('only an administrator can erase a record');
    const text = reason.trim();
    if (!text) throw new InvalidChangeError('Please give the grounds for erasure.');
    if (text.length > REASON_LIMIT) throw new InvalidChangeError('The reason can be at most 2,000 characters.');
    const id = await cases.idByReference(actor.schoolId, reference.trim().toUpperCase());
    const d = id ? await cases.get(actor.schoolId, id) : undefined;
    if (!d) throw new CaseNotFoundError(reference);
    const c = d.case;
    const leftAt = c.kind === 'familyDeclaration' ? (await store.leaver(actor.schoolId, c.submitter.aadObjectId))?.leftAt : undefined;
    const r = retainedCase(c, { leftAt });
    if (r.legalHold) throw new InvalidChangeError(`${c.reference} is under a legal hold: it cannot be erased until the hold is lifted.`);
    if (r.safeguarding || r.allegation) throw new InvalidChangeError(`${c.reference} is a safeguarding record: the school must keep it for its retention period, so it cannot be erased on request.`);
    if (!r.endedAt) throw new InvalidChangeError(`${c.reference} is still open or in use: close it first.`);
    const now = clock();
    const at = now.toISOString();
    if (!(await store.claimForDestruction(actor.schoolId, c.id, d.etag, at, new Date(now.getTime() + DESTRUCTION_CLAIM_MS).toISOString()))) {
      throw new ConcurrentUpdateError(c.id);
    }
    const schedule = await this.schedule(actor.schoolId);
    const tomb: Tombstone = {
      ...this.tombstoneOf(c, at),
      endedAt: r.endedAt,
      why: 'erasure',
      reason: text,
      scheduleVersion: schedule.version,
      authorisedBy: actor.name,
      lines: [],
    };
    await store.destroyCase(c, d.evidence.map((v) => v.blobName), tomb);
    return tomb;
  }

  /**
   * A record whose period ended with `review` (safeguarding records, allegations), reviewed by the DSL or the
   * head who may see it: destroyed now (with a tombstone naming them and their reason), or kept for `keepYears`
   * more (1 to 25; in its chronology; due for review again then). Refused while it is not due for review.
   */
  async review(actor: Member, caseId: string, decision: 'destroy' | 'keep', reason: string, keepYears = 0): Promise<{ destroyed: boolean }> {
    const { cases, store, clock } = this.deps;
    if (!canHold(actor)) throw new NotAllowedError('only a designated safeguarding lead or the head can review a record for destruction');
    const text = reason.trim();
    if (!text) throw new InvalidChangeError('Please give the reason for the decision.');
    if (text.length > REASON_LIMIT) throw new InvalidChangeError('The reason can be at most 2,000 characters.');
    const d = await cases.get(actor.schoolId, caseId);
    if (!d || !canView(actor, summaryOf(d.case))) throw new CaseNotFoundError(caseId);
    const now = clock();
    const schedule = await this.schedule(actor.schoolId);
    const leftAt = d.case.kind === 'familyDeclaration' ? (await store.leaver(actor.schoolId, d.case.submitter.aadObjectId))?.leftAt : undefined;
    const disposal = disposalOf(retainedCase(d.case, { leftAt }), schedule.lines);
    if (!isDue(disposal, now) || disposal.then !== 'review') throw new InvalidChangeError('This case is not due for review under the retention schedule.');
    const by = personRef(actor);
    const at = now.toISOString();
    if (decision === 'keep') {
      if (!Number.isInteger(keepYears) || keepYears < 1 || keepYears > 25) throw new InvalidChangeError('Keep it for between 1 and 25 more years.');
      const keepUntil = new Date(Date.parse(disposal.due) + keepYears * 365.25 * 86_400_000).toISOString();
      await cases.update(actor.schoolId, caseId, d.etag, {
        retentionReview: { by, at, reason: text, keepUntil },
        event: { type: 'retentionReviewed', actor: by, detail: text, data: { keepUntil, years: keepYears } },
      }, at);
      await store.clearReview(actor.schoolId, caseId);
      return { destroyed: false };
    }
    if (!(await store.claimForDestruction(actor.schoolId, caseId, d.etag, at, new Date(now.getTime() + DESTRUCTION_CLAIM_MS).toISOString()))) throw new ConcurrentUpdateError(caseId);
    await store.destroyCase(d.case, d.evidence.map((v) => v.blobName), {
      ...this.tombstoneOf(d.case, at),
      endedAt: retainedCase(d.case, { leftAt }).endedAt,
      dueAt: disposal.due,
      why: 'review',
      reason: text,
      scheduleVersion: schedule.version,
      authorisedBy: actor.name,
      lines: disposal.lines.map((l) => l.label),
    });
    return { destroyed: true };
  }

  /** The review a case is due, if it is (the case page offers the decision). */
  reviewOf(schoolId: string, caseId: string): Promise<ReviewDue | undefined> {
    return this.deps.store.review(schoolId, caseId);
  }

  tombstones(schoolId: string, limit = 500): Promise<Tombstone[]> {
    return this.deps.store.tombstones(schoolId, limit);
  }

  reviews(schoolId: string, limit = 500): Promise<ReviewDue[]> {
    return this.deps.store.reviews(schoolId, limit);
  }
}
