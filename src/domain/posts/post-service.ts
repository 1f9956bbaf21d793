import type { DirectoryService } from '../directory/directory-service.js';
import { isSlt, personRef as person, type Member, type School } from '../directory/directory.js';
import { canView, visibilityFilter } from '../cases/access.js';
import type { Clock } from '../cases/case-service.js';
import { CaseNotFoundError, InvalidChangeError, NotAllowedError } from '../cases/errors.js';
import type { CaseStore } from '../cases/ports.js';
import { retryOnConflict } from '../cases/retry.js';
import { summaryOf } from '../cases/summary.js';
import { STATUS_LABELS, type CaseRecord, type EvidenceRecord, type PersonRef, type Routing } from '../cases/types.js';
import { pickFinalApprover, pickSeniorManager } from '../account-requests/approval-chain.js';
import { registerRow } from '../account-requests/account-request-service.js';
import type { AccountPlatform } from '../account-requests/minimum-age.js';
import { londonDate } from '../time.js';
import { consentProblems, type ConsentProblem, type ConsentRecord } from '../consent/consent.js';
import type { PostApprover } from '../policy/profile.js';
import { postPolicyOf, type PostCheckId, type PostPolicy, type PostPolicyView } from './post-policy.js';

export const POST_KIND = 'postProposal' as const;
export const MAX_POST_TEXT = 5000;
export const MAX_POST_PUPILS = 30;
const REASON_LIMIT = 4000;

/** One of the school's active official accounts, as the flow offers it. */
export interface ActiveAccount {
  id: string;
  accountName: string;
  platform: AccountPlatform;
  platformLabel: string;
  administrators: PersonRef[];
}

export interface NamedPupil {
  pupilId: string;
  name: string;
  classOrYear: string;
}

/** Everything a proposal holds (kept on the case as its answers). */
export interface PostAnswers {
  accountId: string;
  accountName: string;
  platform: AccountPlatform;
  platformLabel: string;
  text: string;
  pupils: NamedPupil[];
  /** Ids of the named pupils whose names appear in the text (they need consent for names). */
  namedInText: string[];
  /** The policy's checks as they were asked, each answered yes (a "no" never reaches a proposal). */
  checks: Array<{ id: PostCheckId; question: string; citation: string }>;
}

export type PostDecision = 'approved' | 'rejected' | 'changesRequested';

export interface PostStage {
  /** Everyone who may confirm go-live; the first decision stands. */
  approvers: PersonRef[];
  /** What the approvers are in the school's words ("Headteacher", "line manager or senior manager"). */
  approverLabel: string;
  decision?: { by: PersonRef; decision: PostDecision; at: string; reason?: string };
}

/** What the proposer is told (outbox kind 'decisionNotice'). */
export interface PostDecisionPayload {
  decision: PostDecision;
  by: string;
  at: string;
  reason?: string;
}

/** One approved post on the register. */
export interface PostRegisterRow {
  id: string;
  reference: string;
  accountName: string;
  platform: string;
  proposedBy: PersonRef;
  proposedAt: string;
  approvedBy: PersonRef;
  approvedAt: string;
  pupils: NamedPupil[];
  photos: number;
  text: string;
}

const ROUTING: Routing = { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: ['post for a school account'] };

export const postStageOf = (c: CaseRecord): PostStage => {
  const st = (c.stage ?? {}) as Partial<PostStage>;
  return { approvers: st.approvers ?? [], approverLabel: st.approverLabel ?? 'approver', ...(st.decision ? { decision: st.decision } : {}) };
};
export const postAnswersOf = (c: CaseRecord) => c.answers as unknown as PostAnswers;

/** The consent register, as the checks read it. */
export interface ConsentLookup {
  records(schoolId: string, pupilIds: readonly string[]): Promise<Map<string, ConsentRecord>>;
}

const words = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').split(/[^\p{L}\p{N}'-]+/u).filter(Boolean);
const hasRun = (inText: string[], w: string[]) => w.length > 0 && inText.some((_, i) => w.every((x, j) => inText[i + j] === x));

/**
 * Pupils of the register whose full name is in the text but who are not among the pupils listed: a name in a
 * post is personal data whether or not the pupil is in the photos, so they must be listed (and checked).
 */
export function unlistedPupilsNamedIn(text: string, register: readonly NamedPupil[], listed: readonly string[]): NamedPupil[] {
  const inText = words(text);
  return register.filter((p) => !listed.includes(p.pupilId) && words(p.name).length > 1 && hasRun(inText, words(p.name)));
}

/** Ids of the pupils whose full or first name appears as a word in the text. */
export function pupilsNamedIn(text: string, pupils: readonly NamedPupil[]): string[] {
  const inText = words(text);
  const has = (w: string[]) => hasRun(inText, w);
  return pupils.filter((p) => {
    const name = words(p.name);
    return has(name) || (name[0] !== undefined && name[0].length > 1 && inText.includes(name[0]));
  }).map((p) => p.pupilId);
}

/**
 * Proposals of a post for one of the school's official accounts (issue 19): consent checked against the
 * register for that account's platform (and for names named in the text) and the do-not-publish list before
 * anything is sent; go-live confirmed by whoever the school's policy names (any one of them; the first
 * decision stands); approved posts are the post register. Each change is one atomic write with its chronology
 * event and the messages it owes.
 */
export class PostService {
  constructor(
    private readonly repo: CaseStore,
    private readonly directory: DirectoryService,
    private readonly policies: { forSchool(schoolId: string): Promise<PostPolicyView> },
    private readonly consent: ConsentLookup,
    private readonly clock: Clock = () => new Date(),
  ) {}

  async policyFor(schoolId: string): Promise<PostPolicy> {
    return postPolicyOf(await this.policies.forSchool(schoolId));
  }

  /** The school's official accounts that are active on the register (approved, not closed). */
  async activeAccounts(schoolId: string): Promise<ActiveAccount[]> {
    const out: ActiveAccount[] = [];
    const today = londonDate(this.clock());
    let token: string | undefined;
    do {
      const page = await this.repo.listClosed(schoolId, { filter: `kind eq 'accountRequest' and status eq 'approved'`, pageSize: 100, continuationToken: token });
      for (const s of page.items) {
        if (s.kind !== 'accountRequest') continue;
        const d = await this.repo.get(schoolId, s.id);
        if (!d) continue;
        const row = registerRow(d.case, today);
        if (row.state !== 'active') continue;
        const a = d.case.answers as { platform?: AccountPlatform; administrators?: PersonRef[] };
        out.push({ id: row.id, accountName: row.accountName, platform: a.platform ?? 'other', platformLabel: row.platform, administrators: a.administrators ?? [] });
      }
      token = page.continuationToken;
    } while (token && out.length < 500);
    return out.sort((a, b) => a.accountName.localeCompare(b.accountName));
  }

  /** Which named pupils block a post to this platform, and why (nothing sent yet). */
  async consentCheck(schoolId: string, platform: AccountPlatform, pupils: readonly NamedPupil[], namedInText: readonly string[]): Promise<ConsentProblem[]> {
    const records = await this.consent.records(schoolId, pupils.map((p) => p.pupilId));
    const problems = consentProblems(pupils.map((p) => ({ pupilId: p.pupilId, record: records.get(p.pupilId) })), platform, new Set(namedInText));
    // A pupil no longer in the register is still named as the proposer picked them.
    return problems.map((p) => (p.name ? p : { ...p, name: pupils.find((x) => x.pupilId === p.pupilId)?.name }));
  }

  /** Who confirms go-live for this proposer and account: everyone the policy names, never the proposer. */
  async approversFor(proposer: Member, account: Pick<ActiveAccount, 'administrators'>): Promise<{ approvers: PersonRef[]; label: string }> {
    const policy = await this.policyFor(proposer.schoolId);
    const members = await this.directory.members(proposer.schoolId);
    const me = person(proposer);
    const lm = proposer.lineManager ? members.find((m) => m.aadObjectId === proposer.lineManager) : undefined;
    const pick = (r: PostApprover): PersonRef[] => {
      switch (r) {
        case 'head': {
          const h = pickFinalApprover(members, me);
          return h ? [person(h)] : [];
        }
        case 'lineManager':
          return lm ? [person(lm)] : [];
        case 'seniorManager': {
          const s = pickSeniorManager(members, me, lm ? person(lm) : undefined);
          return s ? [person(s)] : [];
        }
        case 'slt':
          return members.filter((m) => isSlt(m)).map(person);
        case 'accountAdministrators':
          return account.administrators.filter((p) => members.some((m) => m.aadObjectId === p.aadObjectId));
      }
    };
    const all = policy.approvers.flatMap(pick).filter((p, i, a) => p.aadObjectId !== me.aadObjectId && a.findIndex((q) => q.aadObjectId === p.aadObjectId) === i);
    return { approvers: all, label: approverLabel(policy) };
  }

  /**
   * Save the proposal and send every approver their card, in one transaction, after checking consent again
   * (the register may have changed while the proposer wrote). Confirm twice: one proposal.
   */
  async submit(input: { school: School; proposer: Member; submissionId: string; answers: PostAnswers; photos: EvidenceRecord[] }): Promise<{ case: CaseRecord; duplicate: boolean }> {
    const same = await this.repo.bySubmission(input.school.id, input.submissionId);
    if (same) return { case: same, duplicate: true };
    const a = input.answers;
    if (!a.text.trim()) throw new InvalidChangeError('Please write the text of the post.');
    if (a.text.length > MAX_POST_TEXT) throw new InvalidChangeError(`The text can be at most ${MAX_POST_TEXT.toLocaleString('en-GB')} characters.`);
    if (a.pupils.length > MAX_POST_PUPILS) throw new InvalidChangeError(`A post can name at most ${MAX_POST_PUPILS} pupils.`);
    const account = (await this.activeAccounts(input.school.id)).find((x) => x.id === a.accountId);
    if (!account) throw new InvalidChangeError('That account is no longer active on the register.');
    const problems = await this.consentCheck(input.school.id, account.platform, a.pupils, a.namedInText);
    if (problems.length) throw new ConsentBlockedError(problems, account.platform);
    const { approvers, label } = await this.approversFor(input.proposer, account);
    if (!approvers.length) throw new InvalidChangeError(`There is nobody in the directory to confirm the post (${label}). Please ask your school administrator.`);
    const stage: PostStage = { approvers, approverLabel: label };
    return this.repo.create({
      schoolId: input.school.id,
      referencePrefix: input.school.referencePrefix,
      submissionId: input.submissionId,
      kind: POST_KIND,
      category: account.platform,
      status: 'awaitingApproval',
      routing: ROUTING,
      submitter: person(input.proposer),
      answers: { ...a, accountName: account.accountName, platform: account.platform, platformLabel: account.platformLabel },
      stage: { ...stage },
      evidence: input.photos,
      outbox: approvers.map((recipient) => ({ kind: 'approvalRequest' as const, recipient, payload: {} })),
      now: this.clock().toISOString(),
    });
  }

  /** An approver decides. Only a named approver (never the proposer); the first decision stands; a second press of the same changes nothing. */
  async decide(actor: Member, caseId: string, input: { decision: PostDecision; reason?: string }): Promise<{ case: CaseRecord; first: boolean }> {
    const reason = input.reason?.trim() || undefined;
    if (input.decision !== 'approved' && !reason) throw new InvalidChangeError(input.decision === 'rejected' ? 'Please give a reason for declining the post.' : 'Please say what should change.');
    if (reason && reason.length > REASON_LIMIT) throw new InvalidChangeError('The reason can be at most 4,000 characters.');
    return retryOnConflict(caseId, async () => {
      const d = await this.repo.get(actor.schoolId, caseId);
      if (!d || d.case.kind !== POST_KIND) throw new CaseNotFoundError(caseId);
      const c = d.case;
      const st = postStageOf(c);
      if (!st.approvers.some((p) => p.aadObjectId === actor.aadObjectId) || actor.aadObjectId === c.submitter.aadObjectId) throw new NotAllowedError('only a named approver can decide');
      if (st.decision) {
        if (st.decision.by.aadObjectId === actor.aadObjectId && st.decision.decision === input.decision) return { case: c, first: false };
        throw new InvalidChangeError(`This post has already been decided: ${STATUS_LABELS[c.status].toLowerCase()} by ${st.decision.by.name}.`);
      }
      const now = this.clock().toISOString();
      const decision = { by: person(actor), decision: input.decision, at: now, ...(reason ? { reason } : {}) };
      const status = input.decision;
      const notice: PostDecisionPayload = { decision: input.decision, by: actor.name, at: now, ...(reason ? { reason } : {}) };
      const updated = await this.repo.update(actor.schoolId, caseId, d.etag, {
        status,
        stage: { ...st, decision },
        outcome: status === 'approved' ? 'Approved to go live' : status === 'rejected' ? `Declined: ${reason}` : `Changes asked for: ${reason}`,
        event: { type: 'decided', actor: person(actor), detail: reason, data: { decision: input.decision, from: c.status, to: status } },
        outbox: [{ kind: 'decisionNotice' as const, recipient: c.submitter, payload: { ...notice } }],
      }, now);
      return { case: updated, first: true };
    });
  }

  /** The post register: approved posts the viewer may see (case-like need-to-know, checked on every row), newest first. */
  async register(viewer: Member): Promise<PostRegisterRow[]> {
    const rows = await this.approvedPosts(viewer.schoolId, `kind eq '${POST_KIND}' and status eq 'approved' and ${visibilityFilter(viewer)}`, (c) => canView(viewer, summaryOf(c)));
    return rows;
  }

  /**
   * Approved posts that name a person (subject access, 000 step 7 in its profile): a pupil (by register id or
   * name, case-insensitive) or a member of staff who proposed or approved one (by Entra object id).
   */
  async postsAbout(schoolId: string, who: { pupilId?: string; name?: string; aadObjectId?: string }): Promise<PostRegisterRow[]> {
    const name = who.name?.trim().toLowerCase();
    const rows = await this.approvedPosts(schoolId, `kind eq '${POST_KIND}' and status eq 'approved'`, () => true);
    return rows.filter((r) =>
      (who.pupilId !== undefined && r.pupils.some((p) => p.pupilId === who.pupilId)) ||
      (!!name && (r.pupils.some((p) => p.name.toLowerCase() === name) || r.proposedBy.name.toLowerCase() === name || r.approvedBy.name.toLowerCase() === name)) ||
      (who.aadObjectId !== undefined && (r.proposedBy.aadObjectId === who.aadObjectId || r.approvedBy.aadObjectId === who.aadObjectId)),
    );
  }

  /** A proposal the viewer may open: its proposer, an approver, or whoever may see it in the Cases tab. */
  async visible(viewer: Member, caseId: string): Promise<CaseRecord & { photos: EvidenceRecord[] }> {
    const d = await this.repo.get(viewer.schoolId, caseId);
    const c = d?.case;
    if (!d || !c || c.kind !== POST_KIND) throw new CaseNotFoundError(caseId);
    const mine = c.submitter.aadObjectId === viewer.aadObjectId || postStageOf(c).approvers.some((p) => p.aadObjectId === viewer.aadObjectId);
    if (!mine && !canView(viewer, summaryOf(c))) throw new CaseNotFoundError(caseId);
    return { ...c, photos: d.evidence };
  }

  private async approvedPosts(schoolId: string, filter: string, may: (c: CaseRecord) => boolean): Promise<PostRegisterRow[]> {
    const rows: PostRegisterRow[] = [];
    let token: string | undefined;
    do {
      const page = await this.repo.listClosed(schoolId, { filter, pageSize: 100, continuationToken: token });
      for (const s of page.items) {
        if (s.kind !== POST_KIND || s.status !== 'approved') continue;
        const d = await this.repo.get(schoolId, s.id);
        if (d && may(d.case)) rows.push(postRow(d.case, d.evidence.length));
      }
      token = page.continuationToken;
    } while (token && rows.length < 5000);
    return rows.sort((a, b) => b.approvedAt.localeCompare(a.approvedAt));
  }
}

export function postRow(c: CaseRecord, photos: number): PostRegisterRow {
  const a = postAnswersOf(c);
  const st = postStageOf(c);
  return {
    id: c.id,
    reference: c.reference,
    accountName: a.accountName ?? '',
    platform: a.platformLabel ?? c.category,
    proposedBy: c.submitter,
    proposedAt: c.createdAt,
    approvedBy: st.decision?.by ?? { aadObjectId: '', name: '' },
    approvedAt: st.decision?.at ?? c.updatedAt,
    pupils: a.pupils ?? [],
    photos,
    text: a.text ?? '',
  };
}

/** "the Headteacher"; "your line manager or another senior manager"; "the account's administrators". */
export function approverLabel(policy: Pick<PostPolicy, 'approvers' | 'terms'>): string {
  const one = (r: PostApprover) =>
    r === 'head' ? `the ${policy.terms.headTitle}` : r === 'lineManager' ? 'your line manager' : r === 'seniorManager' ? 'a senior manager' : r === 'slt' ? `the ${policy.terms.seniorTeam ?? 'senior leadership team'}` : "the account's administrators";
  const parts = policy.approvers.map(one);
  return parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}`;
}

/** The post cannot be sent: these pupils block it (the words say who and why). */
export class ConsentBlockedError extends InvalidChangeError {
  constructor(readonly problems: ConsentProblem[], readonly platform: AccountPlatform) {
    super('Some pupils named in the post block it.');
  }
}
