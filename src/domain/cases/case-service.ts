import type { DirectoryService } from '../directory/directory-service.js';
import type { NobodyToAlert } from './who-is-told.js';
import { NO_ALERT_CARD_UPDATES, type AcknowledgedVia, type AlertCardUpdates } from './alert-card-updates.js';
import type { Member, School } from '../directory/directory.js';
import { isDsl, isHead, personRef as person } from '../directory/directory.js';
import { canView } from './access.js';
import { incidentCategoryLabel, type IncidentAnswers } from './incident.js';
import { incidentRecipients, nobodyToAlert as nobodyIn } from './recipients.js';
import { policyRoutes, routeIncident } from './routing.js';
import type { SchoolPolicy } from '../policy/school-policy.js';
import { STATUS_LABELS, isOpen, type CaseEvent, type CaseRecord, type CaseStatus, type EvidenceRecord, type OutboxItem, type PersonRef, type Routing } from './types.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from './errors.js';
import type { CaseDetail, CaseStore } from './ports.js';
import { retryOnConflict } from './retry.js';
import { MAX_REFERRALS, validReferral, type ReferralInput } from './referrals.js';
import { summaryOf } from './summary.js';

export { CaseNotFoundError, ConcurrentUpdateError, InvalidChangeError, NotAllowedError } from './errors.js';

export type Clock = () => Date;

/**
 * Whether the person a report is about would have been told of it or could have opened it had the reporter
 * not named them (routed as though the report were not about them): then the case records that they were
 * left out, and why. `held`: roles the report goes to that nobody else holds.
 */
function leftOut(
  subject: Member,
  answers: IncidentAnswers,
  routes: ReturnType<typeof policyRoutes>,
  routing: Routing,
  members: Member[],
  submitterAad: string,
): { event?: Omit<CaseEvent, 'at'>; held: NobodyToAlert[] } {
  const unnamed = routeIncident(answers, routes);
  const told = incidentRecipients(unnamed, members, submitterAad).some((r) => r.kind !== 'receipt' && r.recipient.aadObjectId === subject.aadObjectId);
  const shown = canView(subject, { schoolId: subject.schoolId, kind: 'incident', submitterAad, safeguarding: unnamed.safeguarding, aboutHead: unnamed.aboutHead, policyTell: unnamed.policyTell });
  const withoutExclusion = { ...routing, subject: undefined };
  const missingAnyway = nobodyIn(withoutExclusion, incidentRecipients(withoutExclusion, members, submitterAad));
  const missing = nobodyIn(routing, incidentRecipients(routing, members, submitterAad));
  const held = missing.filter((x) => !missingAnyway.includes(x));
  if (!told && !shown) return { held };
  return {
    held,
    event: {
      type: 'leftOut',
      detail: `Left out: ${subject.name}, the person the report is about. They were not told of this case and cannot see it.`,
      data: { aad: subject.aadObjectId, reason: 'subject', ...(held.length ? { nobodyElse: held } : {}) },
    },
  };
}

/** Card data for alerts: reference, category, severity, time. No names, descriptions or images. */
export function alertPayload(c: CaseRecord): Record<string, unknown> {
  return {
    caseId: c.id,
    schoolId: c.schoolId,
    reference: c.reference,
    kind: c.kind,
    category: c.kind === 'incident' ? incidentCategoryLabel(c.category) : c.category,
    severity: c.routing.severity,
    createdAt: c.createdAt,
    status: c.status,
    statusLabel: STATUS_LABELS[c.status],
  };
}

export const INCIDENT_TRANSITIONS: Partial<Record<CaseStatus, CaseStatus[]>> = {
  new: ['inProgress', 'closed'],
  inProgress: ['closed'],
  closed: ['inProgress'],
};

/** Cases: submit, read with need-to-know, and act on them. Every change is one atomic write with its event and messages. */
export class CaseService {
  constructor(
    private readonly repo: CaseStore,
    private readonly directory: DirectoryService,
    private readonly clock: Clock = () => new Date(),
    /** Updates every DSL's alert card after an acknowledgement, from a card or the tab alike. */
    private readonly alertCards: AlertCardUpdates = NO_ALERT_CARD_UPDATES,
  ) {}

  private now(): string {
    return this.clock().toISOString();
  }

  /** Save an incident report, decide its routing and queue every alert it owes, in one transaction. */
  async submitIncident(input: {
    school: School;
    submitter: Member;
    submissionId: string;
    answers: IncidentAnswers;
    evidence: EvidenceRecord[];
    /** The school's policy: its routes add to the app's own (without it, the app's routing alone). */
    policy?: Pick<SchoolPolicy, 'rule' | 'profile'>;
  }): Promise<{ case: CaseRecord; duplicate: boolean; nobodyToAlert?: NobodyToAlert[]; subjectHeld?: NobodyToAlert[] }> {
    const members = await this.directory.members(input.school.id);
    // The person the report is about: a member of the school, named only when a member of staff is responsible.
    const named = input.answers.responsible === 'staff' ? input.answers.subject : undefined;
    const subject = named ? members.find((m) => m.aadObjectId === named.aadObjectId) : undefined;
    const answers: IncidentAnswers = { ...input.answers };
    if (subject) answers.subject = person(subject);
    else delete answers.subject;
    const routes = input.policy ? policyRoutes(input.policy, answers) : {};
    const routing = routeIncident(answers, routes, { subjectIsHead: subject !== undefined && isHead(subject) });
    if (subject) routing.subject = person(subject);
    const recipients = incidentRecipients(routing, members, input.submitter.aadObjectId);
    const lineManager = recipients.find((r) => r.role === 'lineManager');
    if (lineManager) routing.lineManagerAad = lineManager.recipient.aadObjectId;
    const now = this.now();
    // The school's directory has nobody in the role this report must go to: the report is still saved,
    // and the reporter is told to tell someone in person (the app must not claim it alerted anyone).
    const missing = nobodyIn(routing, recipients);
    const nobodyToAlert = missing.length ? missing : undefined;
    const left = subject ? leftOut(subject, answers, routes, routing, members, input.submitter.aadObjectId) : undefined;
    const subjectHeld = left?.held.length ? left.held : undefined;
    // The payload needs the reference, which the repository allocates; cards read it from the case at send time.
    const saved = await this.repo.create({
      schoolId: input.school.id,
      referencePrefix: input.school.referencePrefix,
      submissionId: input.submissionId,
      kind: 'incident',
      category: answers.category,
      status: 'new',
      routing,
      submitter: person(input.submitter),
      answers: { ...answers },
      evidence: input.evidence,
      // The receipt says the same as the reply (src/teams/outbox-renderer.ts).
      outbox: recipients.map(({ role, ...r }) => ({
        ...r,
        payload: r.kind === 'receipt' && nobodyToAlert ? { nobodyToAlert, ...(subjectHeld ? { subjectHeld } : {}) } : role ? { role } : {},
      })),
      ...(left?.event ? { moreEvents: [left.event] } : {}),
      now,
    });
    return { ...saved, ...(nobodyToAlert ? { nobodyToAlert } : {}), ...(subjectHeld ? { subjectHeld } : {}) };
  }

  /**
   * A case the caller may see, with its chronology; the view itself is recorded. The record is written
   * while the case is read (one storage round trip instead of two in a row), then put right: a viewer
   * who may not see the case is recorded as a refused attempt, and a case that does not exist (in the
   * viewer's school) keeps no record. Nothing is returned until the record is written.
   */
  async view(viewer: Member, caseId: string): Promise<CaseDetail & { etag: string }> {
    const [read, recorded] = await Promise.allSettled([
      this.repo.get(viewer.schoolId, caseId),
      this.repo.addEvent(viewer.schoolId, caseId, { type: 'viewed', actor: person(viewer) }, this.now()),
    ]);
    const rowKey = recorded.status === 'fulfilled' ? recorded.value : undefined;
    if (read.status === 'rejected') {
      if (rowKey) await this.repo.correctEvent(viewer.schoolId, rowKey, 'remove').catch(() => undefined);
      throw read.reason;
    }
    const d = read.value;
    const allowed = d !== undefined && canView(viewer, summaryOf(d.case));
    if (!allowed) {
      if (rowKey) await this.repo.correctEvent(viewer.schoolId, rowKey, d ? 'viewRefused' : 'remove');
      throw new CaseNotFoundError(caseId);
    }
    if (recorded.status === 'rejected') throw recorded.reason;
    return d;
  }

  /** Read without recording a view (for the actions that follow a view). */
  async getVisible(viewer: Member, caseId: string): Promise<CaseDetail & { etag: string }> {
    const d = await this.repo.get(viewer.schoolId, caseId);
    if (!d || !canView(viewer, summaryOf(d.case))) throw new CaseNotFoundError(caseId);
    return d;
  }

  async assign(actor: Member, caseId: string, assignee: Member, etag?: string): Promise<CaseRecord> {
    const d = await this.getVisible(actor, caseId);
    if (!canView(assignee, summaryOf(d.case))) throw new InvalidChangeError('that person may not see this case');
    return this.repo.update(actor.schoolId, caseId, etag ?? d.etag, {
      assignee: person(assignee),
      event: { type: 'assigned', actor: person(actor), detail: assignee.name, data: { assigneeAad: assignee.aadObjectId } },
    }, this.now());
  }

  async note(actor: Member, caseId: string, text: string): Promise<void> {
    const t = text.trim();
    if (!t) throw new InvalidChangeError('a note cannot be empty');
    if (t.length > 4000) throw new InvalidChangeError('a note can be at most 4,000 characters');
    await this.getVisible(actor, caseId);
    await this.repo.addEvent(actor.schoolId, caseId, { type: 'noted', actor: person(actor), detail: t }, this.now());
  }

  /** new → in progress → closed (with an outcome); the reporter is told. */
  async changeStatus(actor: Member, caseId: string, status: CaseStatus, outcome?: string, etag?: string): Promise<CaseRecord> {
    const d = await this.getVisible(actor, caseId);
    const c = d.case;
    if (c.kind !== 'incident') throw new InvalidChangeError('use the decision actions for this kind of case');
    if (!(INCIDENT_TRANSITIONS[c.status] ?? []).includes(status)) {
      throw new InvalidChangeError(`cannot go from ${STATUS_LABELS[c.status]} to ${STATUS_LABELS[status]}`);
    }
    const out = outcome?.trim();
    if (status === 'closed' && !out) throw new InvalidChangeError('closing a case needs an outcome');
    if (out && out.length > 4000) throw new InvalidChangeError('an outcome can be at most 4,000 characters');
    return this.repo.update(actor.schoolId, caseId, etag ?? d.etag, {
      status,
      outcome: status === 'closed' ? out : c.outcome,
      event: { type: 'statusChanged', actor: person(actor), detail: out, data: { from: c.status, to: status } },
      outbox: [{ kind: 'statusUpdate', recipient: c.submitter, payload: { status, statusLabel: STATUS_LABELS[status] } }],
    }, this.now());
  }

  /**
   * Whether the reporter may add screenshots to their own report now (from My submissions): an incident of
   * theirs, still open. Throws CaseNotFoundError (not theirs) or InvalidChangeError (why not). Returns how
   * many screenshots it holds.
   */
  async canAddEvidence(reporter: Member, caseId: string): Promise<{ reference: string; held: number; category: string }> {
    const d = await this.repo.get(reporter.schoolId, caseId);
    if (!d || d.case.submitter.aadObjectId !== reporter.aadObjectId) throw new CaseNotFoundError(caseId);
    if (d.case.kind !== 'incident') throw new InvalidChangeError('only an incident report takes screenshots');
    if (!isOpen(d.case.status)) throw new InvalidChangeError(`${d.case.reference} is closed, so it takes no more screenshots`);
    return { reference: d.case.reference, held: d.evidence.length, category: d.case.category };
  }

  /**
   * Screenshots the reporter added after sending: on the case with a chronology event in one write, and the
   * designated safeguarding leads who may see the case told (through the outbox).
   */
  async addEvidence(reporterAad: string, schoolId: string, caseId: string, added: EvidenceRecord[]): Promise<CaseRecord> {
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(schoolId, caseId);
      if (!d || d.case.submitter.aadObjectId !== reporterAad) throw new CaseNotFoundError(caseId);
      const fresh = added.filter((v) => !d.evidence.some((e) => e.id === v.id));
      if (!fresh.length) return d.case;
      const c = d.case;
      // Told: whoever the report went to, and every designated safeguarding lead who may see it.
      const members = await this.directory.members(schoolId);
      const told = new Map<string, Member>();
      for (const r of incidentRecipients(c.routing, members, reporterAad)) {
        const m = members.find((x) => x.aadObjectId === r.recipient.aadObjectId);
        if (r.kind !== 'receipt' && m && canView(m, summaryOf(c))) told.set(m.aadObjectId, m);
      }
      for (const m of members) if (isDsl(m) && m.aadObjectId !== reporterAad && canView(m, summaryOf(c))) told.set(m.aadObjectId, m);
      const dsls = [...told.values()];
      const n = fresh.length;
      return this.repo.update(schoolId, caseId, d.etag, {
        event: { type: 'evidenceAdded', actor: c.submitter, detail: `${n} screenshot${n === 1 ? '' : 's'} added by the reporter`, data: { evidenceIds: fresh.map((v) => v.id) } },
        evidence: fresh,
        outbox: dsls.map((m) => ({ kind: 'evidenceAdded' as const, recipient: person(m), payload: { added: n, total: d.evidence.length + n } })),
      }, this.now());
    });
  }

  /**
   * Record a referral made outside the school (LADO, ICO, police…): by someone who may see the case (need-to-know,
   * as for notes and assignment), on the case with its chronology event in one write, again if someone else
   * changed the case meanwhile.
   */
  async recordReferral(actor: Member, caseId: string, input: ReferralInput): Promise<CaseRecord> {
    const r = validReferral(input, this.clock());
    return retryOnConflict(caseId, async () => {
      const d = await this.getVisible(actor, caseId);
      const before = d.case.referrals ?? [];
      if (before.length >= MAX_REFERRALS) throw new InvalidChangeError(`a case can record at most ${MAX_REFERRALS} referrals`);
      const now = this.now();
      const referral = { ...r, recordedBy: person(actor), recordedAt: now };
      return this.repo.update(actor.schoolId, caseId, d.etag, {
        referrals: [...before, referral],
        event: {
          type: 'referred',
          actor: person(actor),
          detail: referral.note,
          data: { body: referral.body, reference: referral.reference, at: referral.at, referredBy: referral.referredBy.name, referredByAad: referral.referredBy.aadObjectId },
        },
      }, now);
    });
  }

  /**
   * A DSL acknowledges a safeguarding alert, on its card or in the tab. Harmless twice: the first
   * acknowledgement stands. The first one has every DSL's copy of the alert updated (`via` says whether
   * the acting DSL's own card is answered already). Returns the case as it now is.
   */
  async acknowledgeAlert(actor: Member, caseId: string, via: AcknowledgedVia): Promise<{ case: CaseRecord; first: boolean; outbox: OutboxItem[] }> {
    const r = await this.recordAcknowledgement(actor, caseId);
    if (r.first) this.alertCards.acknowledged({ case: r.case, outbox: r.outbox, by: person(actor), via });
    return r;
  }

  private async recordAcknowledgement(actor: Member, caseId: string): Promise<{ case: CaseRecord; first: boolean; outbox: OutboxItem[] }> {
    if (!isDsl(actor)) throw new NotAllowedError('only a designated safeguarding lead can acknowledge this alert');
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(actor.schoolId, caseId);
      if (!d || !d.case.routing.safeguarding) throw new CaseNotFoundError(caseId);
      if (!canView(actor, summaryOf(d.case))) throw new NotAllowedError('you cannot see this case');
      if (d.case.acknowledged) return { case: d.case, first: false, outbox: d.outbox };
      const now = this.now();
      const updated = await this.repo.update(actor.schoolId, caseId, d.etag, {
        acknowledged: { by: person(actor), at: now },
        status: d.case.status === 'new' ? 'inProgress' : d.case.status,
        event: { type: 'acknowledged', actor: person(actor) },
      }, now);
      return { case: updated, first: true, outbox: d.outbox };
    });
  }

  /** "My submissions": the person's own cases, newest first. */
  async mySubmissions(m: Member, continuationToken?: string) {
    return this.repo.listMine(m.schoolId, m.aadObjectId, { pageSize: 10, continuationToken });
  }
}
