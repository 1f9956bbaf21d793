import type { DirectoryService } from '../directory/directory-service.js';
import { isSlt, personRef as person, type Member, type School } from '../directory/directory.js';
import { canView, visibilityFilter } from '../cases/access.js';
import type { Clock } from '../cases/case-service.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from '../cases/errors.js';
import type { CaseChange, CaseStore } from '../cases/ports.js';
import { retryOnConflict } from '../cases/retry.js';
import { summaryOf } from '../cases/summary.js';
import { STATUS_LABELS, type CaseRecord, type PersonRef, type Routing } from '../cases/types.js';
import { describePlatform, type AccountRequestAnswers } from './account-request.js';
import { londonDate } from '../time.js';
import { approversOf, buildChain, chainComplete, currentStep, mayDecide, roleLabel, stageText, type ApprovalRole, type ApprovalStep, type ChainTerms } from './approval-chain.js';
import { accountPolicyOf, type AccountPolicy } from './account-policy.js';
import type { SchoolPolicy } from '../policy/school-policy.js';

const KIND = 'accountRequest' as const;
const REASON_LIMIT = 4000;

export type Decision = 'approved' | 'rejected' | 'changesRequested';

export interface DecisionRecord {
  round: number;
  step: number;
  role: ApprovalRole;
  by: PersonRef;
  decision: Decision;
  at: string;
  reason?: string;
}

/** Once approved: the account on the register, its lead, transfers and closure. */
export interface RegisterState {
  lead: PersonRef;
  approvedAt: string;
  transfers: Array<{ at: string; by: PersonRef; from: PersonRef; to: PersonRef; reason?: string }>;
  closedAt?: string;
  closedBy?: PersonRef;
  closureReason?: string;
}

/** Where a request stands, kept on the case (`stage`). A resubmission starts a new round. */
export interface AccountRequestStage {
  round: number;
  chain: ApprovalStep[];
  decisions: DecisionRecord[];
  register?: RegisterState;
}

/** Data of an approval card (outbox kind 'approvalRequest'): which round and step it asks about. */
export interface ApprovalPayload {
  round: number;
  step: number;
}

/** What the requester is told (outbox kind 'decisionNotice'). */
export interface AccountDecisionPayload {
  decision: Decision | 'stepApproved';
  by: string;
  role: ApprovalRole;
  at: string;
  reason?: string;
  /** After a step's approval: who has it now ("Awaiting senior manager (Dev Patel)"). */
  next?: string;
}

/** One row of the register of school accounts (for the Cases tab). */
export interface AccountRegisterRow {
  id: string;
  reference: string;
  platform: string;
  accountName: string;
  aim: string;
  administrators: string[];
  moderators: string[];
  goLive: string;
  reviewDate: string;
  reviewOverdue: boolean;
  lead: PersonRef;
  requester: PersonRef;
  state: 'active' | 'closed';
  approvedAt: string;
  transfers: RegisterState['transfers'];
  closedAt?: string;
  closedBy?: string;
  closureReason?: string;
}

export type SubmitResult = { kind: 'created' | 'resubmitted'; case: CaseRecord };

export const stageOf = (c: CaseRecord): AccountRequestStage => {
  const st = (c.stage ?? {}) as Partial<AccountRequestStage>;
  return { round: st.round ?? 1, chain: st.chain ?? [], decisions: st.decisions ?? [], ...(st.register ? { register: st.register } : {}) };
};
export const answersOf = (c: CaseRecord) => c.answers as unknown as AccountRequestAnswers;

const ROUTING: Routing = { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: ['school social-media account request'] };

/** A school's policy, by school id (the PolicyService). */
export interface PolicyLookup {
  forSchool(schoolId: string): Promise<Pick<SchoolPolicy, 'rule' | 'terms' | 'cite'>>;
}

/**
 * Requests for a school social-media account: submit, the approval chain the school's own policy sets,
 * changes and resubmission, and the register of approved accounts. Every change is one atomic write with its
 * chronology event and the messages it owes (approval cards, the requester's notices).
 */
export class AccountRequestService {
  constructor(
    private readonly repo: CaseStore,
    private readonly directory: DirectoryService,
    private readonly policies: PolicyLookup,
    private readonly clock: Clock = () => new Date(),
  ) {}

  /** The school's rules for accounts, with their citations. */
  async policyFor(schoolId: string): Promise<AccountPolicy> {
    return accountPolicyOf(await this.policies.forSchool(schoolId));
  }

  private now(): string {
    return this.clock().toISOString();
  }

  /** Who would approve, for the summary card before anything is saved. */
  async previewChain(requester: Member, lineManager: PersonRef): Promise<ApprovalStep[]> {
    const { chain } = await this.policyFor(requester.schoolId);
    return buildChain(await this.directory.members(requester.schoolId), person(requester), lineManager, chain);
  }

  /** Save the request and send the first approver their card, in one transaction. Confirm twice: one case. */
  async submit(input: { school: School; requester: Member; submissionId: string; answers: AccountRequestAnswers }): Promise<SubmitResult> {
    const same = await this.repo.bySubmission(input.school.id, input.submissionId);
    if (same) return { kind: 'resubmitted', case: same };
    const chain = await this.previewChain(input.requester, input.answers.lineManager);
    if (!chainComplete(chain)) throw new InvalidChangeError(`There is nobody in the directory to give the final approval. Please ask your school administrator.`);
    const step = currentStep(chain);
    const stage: AccountRequestStage = { round: 1, chain, decisions: [] };
    const { case: c, duplicate } = await this.repo.create({
      schoolId: input.school.id,
      referencePrefix: input.school.referencePrefix,
      submissionId: input.submissionId,
      kind: KIND,
      category: input.answers.platform,
      status: 'awaitingApproval',
      routing: ROUTING,
      submitter: person(input.requester),
      answers: { ...input.answers },
      stage: { ...stage },
      evidence: [],
      outbox: [
        ...approvalRequests(chain, 1, step),
        { kind: 'receipt', recipient: person(input.requester), payload: {} },
      ],
      createdEvent: skippedDetail(chain),
      now: this.now(),
    });
    return { kind: duplicate ? 'resubmitted' : 'created', case: c };
  }

  /** The requester's own request waiting for their changes (to edit and resubmit). */
  async forRequester(actor: Member, caseId: string): Promise<CaseRecord> {
    const d = await this.repo.get(actor.schoolId, caseId);
    if (!d || d.case.kind !== KIND || d.case.submitter.aadObjectId !== actor.aadObjectId) throw new CaseNotFoundError(caseId);
    return d.case;
  }

  /** The requester resubmits after "ask for changes": the chain starts again from the line manager. */
  async resubmit(actor: Member, caseId: string, answers: AccountRequestAnswers): Promise<SubmitResult> {
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(actor.schoolId, caseId);
      if (!d || d.case.kind !== KIND || d.case.submitter.aadObjectId !== actor.aadObjectId) throw new CaseNotFoundError(caseId);
      const c = d.case;
      // A double-tapped Confirm: the first resubmission stands.
      if (c.status === 'awaitingApproval') return { kind: 'resubmitted', case: c };
      if (c.status !== 'changesRequested') throw new InvalidChangeError(`This request is ${STATUS_LABELS[c.status].toLowerCase()}; it cannot be resubmitted.`);
      const chain = await this.previewChain(actor, answers.lineManager);
      if (!chainComplete(chain)) throw new InvalidChangeError('There is nobody in the directory to give the final approval. Please ask your school administrator.');
      const st = stageOf(c);
      const round = st.round + 1;
      const step = currentStep(chain);
      const updated = await this.repo.update(actor.schoolId, caseId, d.etag, {
        status: 'awaitingApproval',
        category: answers.platform,
        answers: { ...answers },
        stage: { ...st, round, chain },
        event: { type: 'resubmitted', actor: person(actor), data: { round, from: c.status, to: 'awaitingApproval' } },
        outbox: approvalRequests(chain, round, step),
      }, this.now());
      return { kind: 'created', case: updated };
    });
  }

  /**
   * An approver decides their step. Only the approver of the current step may; a second press of the same
   * decision (or a stale card of theirs) changes nothing. Reject and "ask for changes" need a reason.
   */
  async decide(
    actor: Member,
    caseId: string,
    input: { round: number; step: number; decision: Decision; reason?: string },
  ): Promise<{ case: CaseRecord; first: boolean }> {
    const reason = input.reason?.trim() || undefined;
    if (input.decision !== 'approved' && !reason) {
      throw new InvalidChangeError(input.decision === 'rejected' ? 'Please give a reason for rejecting the request.' : 'Please say what should change.');
    }
    if (reason && reason.length > REASON_LIMIT) throw new InvalidChangeError('The reason can be at most 4,000 characters.');
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(actor.schoolId, caseId);
      if (!d || d.case.kind !== KIND) throw new CaseNotFoundError(caseId);
      const c = d.case;
      const st = stageOf(c);
      if (st.decisions.some((x) => x.round === input.round && x.step === input.step && x.by.aadObjectId === actor.aadObjectId)) return { case: c, first: false };
      const step = currentStep(st.chain);
      const here = st.chain[input.step];
      // The approver of this step: one person, or any one of the senior team while it is open; afterwards, who decided it.
      const wasApprover = here?.approver?.aadObjectId === actor.aadObjectId || (here?.approvers ?? []).some((p) => p.aadObjectId === actor.aadObjectId);
      if (!wasApprover || actor.aadObjectId === c.submitter.aadObjectId) throw new NotAllowedError('only the approver of this stage can decide');
      const terms = (await this.policyFor(c.schoolId)).terms;
      if (c.status !== 'awaitingApproval' || st.round !== input.round || step !== input.step || !mayDecide(here, actor.aadObjectId, c.submitter.aadObjectId)) {
        const where = describeStatus(c, terms);
        throw new InvalidChangeError(`This request is ${where.charAt(0).toLowerCase()}${where.slice(1)}.`);
      }
      const now = this.now();
      // The senior team's step records who of them decided it.
      const chain = st.chain.map((s, j) => (j === step && input.decision === 'approved' ? { ...s, approver: s.approver ?? person(actor), state: 'approved' as const, decidedAt: now } : s));
      const record: DecisionRecord = { round: st.round, step, role: here.role, by: person(actor), decision: input.decision, at: now, ...(reason ? { reason } : {}) };
      const next = input.decision === 'approved' ? currentStep(chain) : -1;
      const status = input.decision === 'approved' ? (next >= 0 ? 'awaitingApproval' : 'approved') : input.decision;
      const notice: AccountDecisionPayload = {
        decision: input.decision === 'approved' && next >= 0 ? 'stepApproved' : input.decision,
        by: actor.name,
        role: here.role,
        at: now,
        ...(reason ? { reason } : {}),
        ...(next >= 0 ? { next: stageText(chain[next], terms) } : {}),
      };
      const stage: AccountRequestStage = {
        ...st,
        chain,
        decisions: [...st.decisions, record],
        ...(status === 'approved' ? { register: { lead: c.submitter, approvedAt: now, transfers: [] } } : {}),
      };
      const updated = await this.repo.update(actor.schoolId, caseId, d.etag, {
        status,
        stage: { ...stage },
        ...(status === 'approved' ? { outcome: 'Approved' } : status === 'rejected' ? { outcome: `Rejected: ${reason}` } : {}),
        event: { type: 'decided', actor: person(actor), detail: reason, data: { role: here.role, decision: input.decision, round: st.round, step, from: c.status, to: status } },
        outbox: [
          ...(next >= 0 ? approvalRequests(chain, st.round, next) : []),
          { kind: 'decisionNotice' as const, recipient: c.submitter, payload: { ...notice } },
        ],
      }, now);
      return { case: updated, first: true };
    });
  }

  /** A request the person may see in the Cases tab (SLT, the head). */
  async visible(viewer: Member, caseId: string): Promise<CaseRecord> {
    const d = await this.repo.get(viewer.schoolId, caseId);
    if (!d || d.case.kind !== KIND || !canView(viewer, summaryOf(d.case))) throw new CaseNotFoundError(caseId);
    return d.case;
  }

  /** The register of school accounts: approved requests the viewer may see, with review flags. */
  async register(viewer: Member): Promise<AccountRegisterRow[]> {
    const filter = `kind eq '${KIND}' and status eq 'approved' and ${visibilityFilter(viewer)}`;
    const rows: AccountRegisterRow[] = [];
    const today = londonDate(this.clock());
    let token: string | undefined;
    do {
      const page = await this.repo.listClosed(viewer.schoolId, { filter, pageSize: 100, continuationToken: token });
      for (const s of page.items) {
        if (s.kind !== KIND || !canView(viewer, s)) continue;
        const d = await this.repo.get(viewer.schoolId, s.id);
        if (d) rows.push(registerRow(d.case, today));
      }
      token = page.continuationToken;
    } while (token && rows.length < 2000);
    return rows.sort((a, b) => Number(b.reviewOverdue) - Number(a.reviewOverdue) || a.state.localeCompare(b.state) || a.reviewDate.localeCompare(b.reviewDate));
  }

  /** Hand the account to a new lead (the lead is leaving): recorded in the chronology. */
  async transferLead(actor: Member, caseId: string, to: Member, reason?: string): Promise<CaseRecord> {
    return this.changeRegister(actor, caseId, (reg, now) => {
      if (to.schoolId !== actor.schoolId || !to.roles.includes('staff')) throw new InvalidChangeError('The new lead must be a member of staff of the school.');
      if (to.aadObjectId === reg.lead.aadObjectId) throw new InvalidChangeError(`${to.name} already leads this account.`);
      return {
        register: { ...reg, lead: person(to), transfers: [...reg.transfers, { at: now, by: person(actor), from: reg.lead, to: person(to), ...(reason ? { reason } : {}) }] },
        event: { type: 'leadTransferred', actor: person(actor), detail: reason, data: { fromAad: reg.lead.aadObjectId, toAad: to.aadObjectId, to: to.name } },
      };
    }, reason);
  }

  /** Record that the account has been closed (deleted on the platform). It stays on the register as closed. */
  async closeAccount(actor: Member, caseId: string, reason: string): Promise<CaseRecord> {
    if (!reason.trim()) throw new InvalidChangeError('Please say why the account was closed.');
    return this.changeRegister(actor, caseId, (reg, now) => ({
      register: { ...reg, closedAt: now, closedBy: person(actor), closureReason: reason.trim() },
      event: { type: 'accountClosed', actor: person(actor), detail: reason.trim() },
    }), reason);
  }

  private async changeRegister(
    actor: Member,
    caseId: string,
    change: (reg: RegisterState, now: string) => { register: RegisterState; event: CaseChange['event'] },
    reason: string | undefined,
  ): Promise<CaseRecord> {
    if (reason && reason.length > REASON_LIMIT) throw new InvalidChangeError('The reason can be at most 4,000 characters.');
    if (!isSlt(actor)) throw new NotAllowedError('only the senior leadership team keeps the register');
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(actor.schoolId, caseId);
      if (!d || d.case.kind !== KIND || !canView(actor, summaryOf(d.case))) throw new CaseNotFoundError(caseId);
      const st = stageOf(d.case);
      if (d.case.status !== 'approved' || !st.register) throw new InvalidChangeError('Only an approved account is on the register.');
      if (st.register.closedAt) throw new InvalidChangeError('This account has already been closed.');
      const now = this.now();
      const { register, event } = change(st.register, now);
      return this.repo.update(actor.schoolId, caseId, d.etag, { stage: { ...st, register }, event }, now);
    });
  }
}

/** One approval card for each person who may decide the step (the senior team's step: each member). */
function approvalRequests(chain: ApprovalStep[], round: number, step: number) {
  return approversOf(chain[step]).map((recipient) => ({ kind: 'approvalRequest' as const, recipient, payload: { round, step } satisfies ApprovalPayload }));
}

const SKIPPED_NAMES: Record<ApprovalRole, string> = { head: 'Final', lineManager: 'Line manager', seniorManager: 'Senior manager', slt: 'Senior team' };

/** The chronology's first line names any skipped step, so nobody wonders why a manager never saw it. */
function skippedDetail(chain: ApprovalStep[]) {
  const skipped = chain.filter((s) => s.state === 'skipped');
  if (!skipped.length) return undefined;
  return { detail: skipped.map((s) => `${SKIPPED_NAMES[s.role]} approval skipped: ${s.skippedBecause}.`).join(' ') };
}

/** The request's status in words: "Awaiting line manager (Rachel Moore)", "Changes requested", "Approved". */
export function describeStatus(c: CaseRecord, terms: ChainTerms): string {
  const st = stageOf(c);
  if (c.status === 'awaitingApproval') return stageText(st.chain[currentStep(st.chain)], terms) || STATUS_LABELS[c.status];
  if (c.status === 'changesRequested' || c.status === 'rejected') {
    const last = st.decisions[st.decisions.length - 1];
    return last ? `${STATUS_LABELS[c.status]} by ${roleLabel(last.role, terms)} (${last.by.name})` : STATUS_LABELS[c.status];
  }
  if (c.status === 'approved' && st.register?.closedAt) return 'Approved; account closed';
  return STATUS_LABELS[c.status];
}

export function registerRow(c: CaseRecord, today: string): AccountRegisterRow {
  const a = (c.answers ?? {}) as Partial<AccountRequestAnswers>;
  const st = stageOf(c);
  const reg = st.register ?? { lead: c.submitter, approvedAt: c.updatedAt, transfers: [] };
  const reviewDate = typeof a.reviewDate === 'string' ? a.reviewDate : '';
  return {
    id: c.id,
    reference: c.reference,
    platform: typeof a.platform === 'string' ? describePlatform({ platform: a.platform, platformOther: a.platformOther }) : c.category,
    accountName: a.accountName ?? '',
    aim: a.aim ?? '',
    administrators: (a.administrators ?? []).map((p) => p.name),
    moderators: (a.moderators ?? []).map((p) => p.name),
    goLive: a.goLive ?? '',
    reviewDate,
    reviewOverdue: !reg.closedAt && !!reviewDate && reviewDate < today,
    lead: reg.lead,
    requester: c.submitter,
    state: reg.closedAt ? 'closed' : 'active',
    approvedAt: reg.approvedAt,
    transfers: reg.transfers,
    ...(reg.closedAt ? { closedAt: reg.closedAt, closedBy: reg.closedBy?.name, closureReason: reg.closureReason } : {}),
  };
}
