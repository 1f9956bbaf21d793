import type { TurnContext } from 'botbuilder';
import type { AppServices } from '../../services.js';
import type { Member } from '../../domain/directory/directory.js';
import { accountPolicyOf, type AccountPolicy } from '../../domain/account-requests/account-policy.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from '../../domain/cases/case-service.js';
import type { CaseRecord, CaseSummary } from '../../domain/cases/types.js';
import {
  answersOf,
  describeStatus,
  stageOf,
  type AccountDecisionPayload,
  type ApprovalPayload,
  type Decision,
} from '../../domain/account-requests/account-request-service.js';
import { accountRequestFacts } from '../../domain/account-requests/account-request.js';
import { currentStep, roleLabel, type ApprovalRole, type ApprovalStep, type ChainTerms } from '../../domain/account-requests/approval-chain.js';
import { caseLink, type FlowRenderer } from '../outbox-renderer.js';
import { shortTime } from '../../domain/time.js';
import { ACCOUNT_VERBS, buildAccountNoticeCard, buildApprovalCard, type AccountActionData } from './account-request-cards.js';
import type { CardAttachment } from '../card.js';
import { actionData, actorFor, cardError, cardResponse } from '../card-actions.js';
import type { InvokeHandler, SearchHandler } from '../bot.js';

type Deps = Pick<AppServices, 'accountRequests' | 'caseRepo' | 'directory' | 'policies' | 'config' | 'refs' | 'log'>;

/** The school's rules for accounts, in its own words and clauses. */
const accountPolicy = async (deps: Pick<Deps, 'policies'>, schoolId: string): Promise<AccountPolicy> => accountPolicyOf(await deps.policies.forSchool(schoolId));

/** Teams refreshes a card automatically for at most 60 users. */
const MAX_REFRESH_USERS = 60;

/** The people picker's dataset: the school's staff. */
export const staffDataset = (schoolId: string) => `staff.${schoolId}`;

const capitalise = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** The approval card's data: the case, the round and step it was sent for, and the reason it may carry. */
function approvalData(ctx: TurnContext): AccountActionData | undefined {
  return actionData(ctx, (d) => {
    const round = Number(d.round);
    const step = Number(d.step);
    if (!Number.isInteger(round) || round < 1 || round > 1000 || !Number.isInteger(step) || step < 0 || step > 3) return undefined;
    return { round, step, reason: typeof d.reason === 'string' ? d.reason : undefined };
  });
}

/** What this approver is asked, for their step of the chain. */
function statement(chain: ApprovalStep[], step: number, terms: ChainTerms): string {
  const s = chain[step];
  const last = chain.slice(step + 1).every((x) => x.state === 'skipped');
  const as = s ? `As ${s.role === 'slt' ? `a member of the ${roleLabel(s.role, terms)}` : roleLabel(s.role, terms)}` : 'As approver';
  const who = s?.approvers ? ' Any one member may decide; the first decision stands.' : '';
  return last ? `${as}, yours is the final approval: the account may be created once you approve.${who}` : `${as}, you are asked to approve the request before it goes on to the next approver.${who}`;
}

/** The names in the senior team's step, shortened so the card stays small. */
const someNames = (ps: Array<{ name: string }>) => (ps.length <= 4 ? ps.map((p) => p.name).join(', ') : `${ps.slice(0, 4).map((p) => p.name).join(', ')} and ${ps.length - 4} more`);

export function chainRows(chain: ApprovalStep[], current: number, terms: ChainTerms) {
  return chain.map((s, i) => ({
    title: capitalise(roleLabel(s.role, terms)),
    value:
      s.state === 'approved'
        ? `${s.approver?.name}: approved${s.decidedAt ? ` ${shortTime(s.decidedAt)}` : ''}`
        : s.state === 'skipped'
          ? `Skipped (${s.skippedBecause})`
          : `${s.approvers ? `Any one of ${someNames(s.approvers)}` : s.approver?.name}${i === current ? ': waiting' : ''}`,
  }));
}

/** The approval card as the request now stands, for the approver of `round`/`step` (sending, refreshing, the invoke response). */
export async function approvalCard(deps: Pick<Deps, 'config' | 'refs' | 'policies'>, c: CaseRecord, p: ApprovalPayload): Promise<CardAttachment> {
  const policy = await accountPolicy(deps, c.schoolId);
  const terms = policy.terms;
  const st = stageOf(c);
  const chain = st.chain;
  const now = currentStep(chain);
  const mine = chain[p.step];
  const pending = c.status === 'awaitingApproval' && st.round === p.round && now === p.step;
  const mineDecided = st.decisions.find((d) => d.round === p.round && d.step === p.step);
  const parts: string[] = [];
  if (mineDecided) {
    const what = mineDecided.decision === 'approved' ? '✅ Approved' : mineDecided.decision === 'rejected' ? 'Rejected' : 'Changes asked for';
    parts.push(`${what} by ${mineDecided.by.name}, ${shortTime(mineDecided.at)}.${mineDecided.reason ? ` ${mineDecided.reason}` : ''}`);
  }
  if (!pending) {
    if (st.round > p.round) parts.push('The request has since been changed and resubmitted; a new card has been sent.');
    else parts.push(`Now: ${describeStatus(c, terms)}.`);
  }
  // Everyone who may decide (or decided) this step sees their copy refresh.
  const deciders = [...(mine?.approver ? [mine.approver] : []), ...(mine?.approvers ?? [])].filter((x, i, a) => a.findIndex((y) => y.aadObjectId === x.aadObjectId) === i);
  const refs = await Promise.all(deciders.slice(0, MAX_REFRESH_USERS).map((x) => deps.refs.findByAad(x.aadObjectId)));
  return buildApprovalCard({
    caseId: c.id,
    schoolId: c.schoolId,
    round: p.round,
    step: p.step,
    reference: c.reference,
    requesterName: c.submitter.name,
    submittedAt: shortTime(c.createdAt),
    statement: statement(chain, p.step, terms),
    facts: accountRequestFacts(answersOf(c)),
    chain: chainRows(chain, now, terms),
    policyLines: [policy.approvalNote, ...policy.duties].filter(Boolean),
    state: pending ? 'pending' : 'done',
    stateText: parts.join(' '),
    caseUrl: caseLink(deps.config, c.id),
    refreshUserIds: refs.flatMap((r) => (r ? [r.userId] : [])),
  });
}

async function decisionNotice(deps: Pick<Deps, 'policies'>, c: CaseRecord, p: AccountDecisionPayload): Promise<CardAttachment> {
  const policy = await accountPolicy(deps, c.schoolId);
  const who = `${p.by} (${roleLabel(p.role, policy.terms)})`;
  const when = shortTime(p.at);
  const name = answersOf(c).accountName ?? '';
  const base = { reference: c.reference, reason: '' };
  switch (p.decision) {
    case 'stepApproved':
      return buildAccountNoticeCard({
        ...base,
        title: `Request ${c.reference}: one approval given`,
        text: `${who} approved your request for "${name}" on ${when}.${p.next ? ` It is now ${p.next.charAt(0).toLowerCase()}${p.next.slice(1)}.` : ''}`,
      });
    case 'approved':
      return buildAccountNoticeCard({
        ...base,
        title: `Request ${c.reference} approved`,
        text: `${who} gave the final approval for "${name}" on ${when}. It is on the school's register of accounts: you may now create it.${policy.duties.length ? ` ${policy.duties.join(' ')}` : ''}`,
      });
    case 'rejected':
      return buildAccountNoticeCard({ ...base, title: `Request ${c.reference} rejected`, text: `${who} rejected your request for "${name}" on ${when}.`, reason: p.reason ? `Reason: ${p.reason}` : '' });
    default:
      return buildAccountNoticeCard({
        ...base,
        title: `Request ${c.reference}: changes asked for`,
        text: `${who} asks for changes to your request for "${name}" before deciding (${when}). Edit it and resubmit: it then goes through the approvals again from the start.`,
        reason: p.reason ? `Changes wanted: ${p.reason}` : '',
        resubmit: { verb: 'menu', choice: 'requestAccount', caseId: c.id },
      });
  }
}

/** "Awaiting line manager (Rachel Moore)" for "my submissions" (account requests only). */
export const accountStatusFor = (deps: Pick<AppServices, 'caseRepo' | 'policies'>) => async (m: Member, s: CaseSummary): Promise<string | undefined> => {
  if (s.kind !== 'accountRequest') return undefined;
  const d = await deps.caseRepo.get(m.schoolId, s.id);
  if (!d || d.case.submitter.aadObjectId !== m.aadObjectId) return undefined;
  return describeStatus(d.case, (await accountPolicy(deps, m.schoolId)).terms);
};

/** How a colleague is shown in a people picker (its static choices and its search results alike). */
export const staffTitle = (m: Pick<Member, 'name' | 'jobTitle'>) => (m.jobTitle ? `${m.name} (${m.jobTitle})` : m.name);

/** Search results per page at most: Teams shows 15 in the dropdown and asks for the next page with `skip`. */
export const SEARCH_PAGE = 15;

/**
 * The people picker's dynamic search (`application/search` with dataset "staff.<schoolId>"): the school's
 * staff whose name, job title or email matches, a page at a time, from the cached directory (no storage
 * request per keystroke). Only a member of that school may search it.
 */
export function staffSearchHandler(deps: Pick<Deps, 'directory'>): SearchHandler {
  return async (ctx, q) => {
    const schoolId = q.dataset.slice('staff.'.length);
    const aad = ctx.activity.from?.aadObjectId;
    if (!/^[a-z0-9-]{2,40}$/.test(schoolId) || !aad || !(await deps.directory.member(schoolId, aad))) return cardError('You can search only the staff of your own school.');
    const hits = await deps.directory.searchStaff(schoolId, q.queryText, { skip: q.skip, top: Math.min(q.top, SEARCH_PAGE) });
    const results = hits.map((m) => ({ title: staffTitle(m), value: m.aadObjectId }));
    return { statusCode: 200, type: 'application/vnd.microsoft.search.searchResponse', value: { results } };
  };
}

/** What the account-request flow sends: the approval card (each approver in turn) and the requester's notices. */
export function accountRequestRenderers(deps: Pick<Deps, 'config' | 'refs' | 'policies'>): FlowRenderer[] {
  return [
    { kind: 'approvalRequest', caseKind: 'accountRequest', render: async (i, c) => ({ card: await approvalCard(deps, c, i.payload as unknown as ApprovalPayload) }) },
    { kind: 'decisionNotice', caseKind: 'accountRequest', render: async (i, c) => ({ card: await decisionNotice(deps, c, i.payload as unknown as AccountDecisionPayload) }) },
  ];
}

/** Account requests at the card edge: answers Approve / Ask for changes / Reject and the approval card's refresh. */
export function accountRequestInvokeHandlers(deps: Deps): Record<string, InvokeHandler> {
  const svc = deps.accountRequests;
  const refused = 'Only the approver of the current stage can decide on this request.';

  const decide = (decision: Decision): InvokeHandler => async (ctx) => {
    const data = approvalData(ctx);
    if (!data) return cardError('This card is out of date or damaged. Please open the case in the Cases tab.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    if (!actor) return cardError(refused);
    try {
      const { case: c, first } = await svc.decide(actor, data.caseId, { round: data.round, step: data.step, decision, reason: data.reason });
      deps.log.info({ caseId: c.id, status: c.status, decision, first }, 'account request decision');
      return cardResponse(await approvalCard(deps, c, data));
    } catch (e) {
      if (e instanceof NotAllowedError) return cardError(refused);
      if (e instanceof CaseNotFoundError) return cardError('That request could not be found.');
      if (e instanceof InvalidChangeError) return cardError(e.message);
      throw e;
    }
  };

  const refresh: InvokeHandler = async (ctx) => {
    const data = approvalData(ctx);
    if (!data) return cardError('This card is out of date or damaged.');
    const actor = await actorFor(deps.directory, ctx, data.schoolId);
    const d = actor && (await deps.caseRepo.get(data.schoolId, data.caseId));
    // Only an approver of that step (now, or when the card was sent) sees it refreshed.
    const st = d && d.case.kind === 'accountRequest' ? stageOf(d.case) : undefined;
    const step = st?.chain[data.step];
    const theirs = st && (step?.approver?.aadObjectId === actor!.aadObjectId || (step?.approvers ?? []).some((x) => x.aadObjectId === actor!.aadObjectId) || st.decisions.some((x) => x.step === data.step && x.by.aadObjectId === actor!.aadObjectId));
    if (!d || !theirs) return cardError('You cannot see this request.');
    return cardResponse(await approvalCard(deps, d.case, data));
  };

  return {
    [ACCOUNT_VERBS.approve]: decide('approved'),
    [ACCOUNT_VERBS.reject]: decide('rejected'),
    [ACCOUNT_VERBS.changes]: decide('changesRequested'),
    [ACCOUNT_VERBS.refresh]: refresh,
  };
}
