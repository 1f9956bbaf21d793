import type { DirectoryService } from '../directory/directory-service.js';
import { personRef as person, type Member, type School } from '../directory/directory.js';
import { canView, visibilityFilter } from '../cases/access.js';
import type { Clock } from '../cases/case-service.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from '../cases/errors.js';
import type { CaseStore } from '../cases/ports.js';
import { retryOnConflict } from '../cases/retry.js';
import { summaryOf } from '../cases/summary.js';
import { STATUS_LABELS, type CaseRecord, type CaseStatus, type PersonRef } from '../cases/types.js';
import {
  RELATIONSHIPS,
  canAcknowledge,
  declarationRecipients,
  describePlatforms,
  describeRelationship,
  findDuplicate,
  routeDeclaration,
  type DeclarationAnswers,
} from './declaration.js';

const KIND = 'familyDeclaration' as const;
const NOTE_LIMIT = 4000;

/** Where a declaration stands, kept on the case (`stage`). */
export interface DeclarationStage {
  acknowledgedBy?: PersonRef;
  acknowledgedAt?: string;
  acknowledgementNote?: string;
  discussionRequestedBy?: PersonRef;
  discussionRequestedAt?: string;
  discussionMessage?: string;
  withdrawnAt?: string;
  withdrawnReason?: string;
}

/** What the declarer is told (outbox kind 'decisionNotice'). */
export interface DecisionPayload {
  decision: 'acknowledged' | 'discussionRequested';
  by: string;
  at: string;
  note?: string;
}

/** One row of the register of family relationships (for the Cases tab). */
export interface RegisterRow {
  caseId: string;
  reference: string;
  staff: PersonRef;
  pupilName: string;
  yearGroup: string;
  relationship: string;
  platforms: string;
  status: CaseStatus;
  statusLabel: string;
  declaredAt: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
}

export type DeclareResult = { kind: 'created' | 'resubmitted'; case: CaseRecord } | { kind: 'duplicate'; case: CaseRecord };

export const stageOf = (c: CaseRecord): DeclarationStage => (c.stage ?? {}) as DeclarationStage;
export const answersOf = (c: CaseRecord) => c.answers as unknown as DeclarationAnswers;

/**
 * Family relationship declarations: declare, acknowledge or ask to discuss, withdraw,
 * and the register. Every change is one atomic write with its chronology event and the messages it owes.
 */
export class DeclarationService {
  constructor(
    private readonly repo: CaseStore,
    private readonly directory: DirectoryService,
    private readonly clock: Clock = () => new Date(),
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  /** The declarer's own declarations (with answers): for duplicate detection and "withdraw". */
  async mine(m: Member): Promise<CaseRecord[]> {
    const out: CaseRecord[] = [];
    let token: string | undefined;
    do {
      const page = await this.repo.listMine(m.schoolId, m.aadObjectId, { filter: `kind eq '${KIND}'`, pageSize: 100, continuationToken: token });
      for (const s of page.items) {
        const d = await this.repo.get(m.schoolId, s.id);
        if (d && d.case.kind === KIND && d.case.submitter.aadObjectId === m.aadObjectId) out.push(d.case);
      }
      token = page.continuationToken;
    } while (token);
    return out;
  }

  /** An earlier declaration of the same pupil by this person that still stands. */
  async existingFor(m: Member, a: Pick<DeclarationAnswers, 'pupilName' | 'yearGroup'>): Promise<CaseRecord | undefined> {
    return findDuplicate(await this.mine(m), a);
  }

  /** Save a declaration and ask the headteacher (or the chair, for the head's own) to acknowledge it, in one transaction. */
  async declare(input: { school: School; declarer: Member; submissionId: string; answers: DeclarationAnswers }): Promise<DeclareResult> {
    // A double-tapped Confirm is the same declaration, not a duplicate.
    const same = await this.repo.bySubmission(input.school.id, input.submissionId);
    if (same) return { kind: 'resubmitted', case: same };
    const existing = await this.existingFor(input.declarer, input.answers);
    if (existing) return { kind: 'duplicate', case: existing };
    const routing = routeDeclaration(input.declarer);
    const members = await this.directory.members(input.school.id);
    const { case: c, duplicate } = await this.repo.create({
      schoolId: input.school.id,
      referencePrefix: input.school.referencePrefix,
      submissionId: input.submissionId,
      kind: KIND,
      category: input.answers.relationship,
      status: 'awaitingAcknowledgement',
      routing,
      submitter: person(input.declarer),
      answers: { ...input.answers },
      stage: {},
      evidence: [],
      outbox: declarationRecipients(routing, members, input.declarer).map((r) => ({ ...r, payload: {} })),
      now: this.now(),
    });
    return { kind: duplicate ? 'resubmitted' : 'created', case: c };
  }

  /** A declaration the person may act on as acknowledger; throws the coded errors the card handlers answer. */
  private async forAcknowledger(actor: Member, caseId: string) {
    const d = await this.repo.get(actor.schoolId, caseId);
    if (!d || d.case.kind !== KIND) throw new CaseNotFoundError(caseId);
    if (!canAcknowledge(actor, d.case) || !canView(actor, summaryOf(d.case))) throw new NotAllowedError('you cannot acknowledge this declaration');
    return d;
  }

  /** The headteacher (or chair) acknowledges, with a note of the discussion. Harmless twice: the first stands. */
  async acknowledge(actor: Member, caseId: string, note: string): Promise<{ case: CaseRecord; first: boolean }> {
    const text = note.trim();
    if (!text) throw new InvalidChangeError('Please write a note of your discussion before acknowledging.');
    if (text.length > NOTE_LIMIT) throw new InvalidChangeError('The note can be at most 4,000 characters.');
    return retryOnConflict(caseId, async () => {
      const d = await this.forAcknowledger(actor, caseId);
      const c = d.case;
      if (c.status === 'acknowledged') return { case: c, first: false };
      if (c.status === 'withdrawn') throw new InvalidChangeError('This declaration has been withdrawn by the member of staff.');
      const now = this.now();
      const stage: DeclarationStage = { ...stageOf(c), acknowledgedBy: person(actor), acknowledgedAt: now, acknowledgementNote: text };
      const updated = await this.repo.update(actor.schoolId, caseId, d.etag, {
        status: 'acknowledged',
        stage: { ...stage },
        acknowledged: { by: person(actor), at: now },
        outcome: 'Acknowledged',
        event: { type: 'acknowledged', actor: person(actor), detail: text, data: { from: c.status, to: 'acknowledged' } },
        outbox: [{ kind: 'decisionNotice', recipient: c.submitter, payload: { decision: 'acknowledged', by: actor.name, at: now, note: text } satisfies DecisionPayload }],
      }, now);
      return { case: updated, first: true };
    });
  }

  /** The headteacher (or chair) asks to discuss it first; the declarer is told. */
  async requestDiscussion(actor: Member, caseId: string, message: string): Promise<CaseRecord> {
    const text = message.trim();
    if (text.length > NOTE_LIMIT) throw new InvalidChangeError('The message can be at most 4,000 characters.');
    return retryOnConflict(caseId, async () => {
      const d = await this.forAcknowledger(actor, caseId);
      const c = d.case;
      if (c.status === 'acknowledged') throw new InvalidChangeError('This declaration has already been acknowledged.');
      if (c.status === 'withdrawn') throw new InvalidChangeError('This declaration has been withdrawn by the member of staff.');
      const now = this.now();
      const stage: DeclarationStage = { ...stageOf(c), discussionRequestedBy: person(actor), discussionRequestedAt: now, discussionMessage: text || undefined };
      return this.repo.update(actor.schoolId, caseId, d.etag, {
        status: 'discussionRequested',
        stage: { ...stage },
        event: { type: 'statusChanged', actor: person(actor), detail: text || undefined, data: { from: c.status, to: 'discussionRequested' } },
        outbox: [{ kind: 'decisionNotice', recipient: c.submitter, payload: { decision: 'discussionRequested', by: actor.name, at: now, note: text || undefined } satisfies DecisionPayload }],
      }, now);
    });
  }

  /** The declarer withdraws their own declaration (e.g. the pupil has left): recorded, never deleted. */
  async withdraw(actor: Member, caseId: string): Promise<{ case: CaseRecord; first: boolean }> {
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(actor.schoolId, caseId);
      if (!d || d.case.kind !== KIND || d.case.submitter.aadObjectId !== actor.aadObjectId) throw new CaseNotFoundError(caseId);
      const c = d.case;
      if (c.status === 'withdrawn') return { case: c, first: false };
      const now = this.now();
      // Whoever was asked to acknowledge it is told, so the register they keep is not out of date.
      const told = d.outbox.filter((o) => o.kind === 'acknowledgementRequest').map((o) => o.recipient);
      const updated = await this.repo.update(actor.schoolId, caseId, d.etag, {
        status: 'withdrawn',
        stage: { ...stageOf(c), withdrawnAt: now },
        outcome: 'Withdrawn by the member of staff',
        event: { type: 'withdrawn', actor: person(actor), data: { from: c.status, to: 'withdrawn' } },
        outbox: told.map((r) => ({ kind: 'statusUpdate' as const, recipient: r, payload: { status: 'withdrawn', statusLabel: STATUS_LABELS.withdrawn } })),
      }, now);
      return { case: updated, first: true };
    });
  }

  /**
   * The register of family relationships, for the Cases tab: only what the viewer may see (SLT and the
   * head see the staff's declarations; only the chair sees the head's own). Withdrawn ones on request.
   */
  async register(viewer: Member, opts: { includeWithdrawn?: boolean } = {}): Promise<RegisterRow[]> {
    const filter = `kind eq '${KIND}' and ${visibilityFilter(viewer)}`;
    const rows: RegisterRow[] = [];
    for (const list of [this.repo.listOpen.bind(this.repo), this.repo.listClosed.bind(this.repo)]) {
      let token: string | undefined;
      do {
        const page = await list(viewer.schoolId, { filter, pageSize: 100, continuationToken: token });
        for (const s of page.items) {
          if (s.kind !== KIND || !canView(viewer, s)) continue;
          if (s.status === 'withdrawn' && !opts.includeWithdrawn) continue;
          const d = await this.repo.get(viewer.schoolId, s.id);
          if (d) rows.push(registerRow(d.case));
        }
        token = page.continuationToken;
      } while (token);
    }
    return rows.sort((a, b) => a.staff.name.localeCompare(b.staff.name) || b.declaredAt.localeCompare(a.declaredAt));
  }
}

export function registerRow(c: CaseRecord): RegisterRow {
  const a = answersOf(c);
  const st = stageOf(c);
  return {
    caseId: c.id,
    reference: c.reference,
    staff: c.submitter,
    pupilName: a.pupilName,
    yearGroup: a.yearGroup,
    relationship: a.relationship in RELATIONSHIPS ? describeRelationship(a) : c.category,
    platforms: Array.isArray(a.platforms) ? describePlatforms(a) : '',
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
    declaredAt: c.createdAt,
    acknowledgedBy: st.acknowledgedBy?.name,
    acknowledgedAt: st.acknowledgedAt,
  };
}
