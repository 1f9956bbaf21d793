/**
 * The approval chain of an account request, in the order the school's own policy sets (`accounts.approval`,
 * read by account-policy.ts): any of the line manager, another senior manager, the head, or the senior team
 * (any one member of it decides). Pure functions.
 */
import { isChair, isHead, isSlt, personRef, type Member } from '../directory/directory.js';
import type { PersonRef } from '../cases/types.js';
import type { APPROVERS } from '../policy/profile.js';

export type ApprovalRole = (typeof APPROVERS)[number];
export type StepState = 'pending' | 'approved' | 'skipped';

export interface ApprovalStep {
  role: ApprovalRole;
  /** Who decides this step; for the senior team's step, whoever of them decided, once decided. */
  approver?: PersonRef;
  /** The senior team's step: every member who may decide it (the first decision stands). */
  approvers?: PersonRef[];
  state: StepState;
  /** Why a step was skipped, in words the requester and the tab can show. */
  skippedBecause?: string;
  decidedAt?: string;
}

/** The school's own words for the approvers (its policy's terms). */
export interface ChainTerms {
  headTitle: string;
  seniorTeam?: string;
}

export const ROLE_LABELS: Record<Exclude<ApprovalRole, 'head' | 'slt'>, string> = {
  lineManager: 'line manager',
  seniorManager: 'senior manager',
};

export const roleLabel = (role: ApprovalRole, terms: ChainTerms) =>
  role === 'head' ? terms.headTitle.toLowerCase() : role === 'slt' ? (terms.seniorTeam ?? 'senior leadership team') : ROLE_LABELS[role];

/** Everyone who may decide a step (one person, or the senior team). */
export const approversOf = (step: ApprovalStep | undefined): PersonRef[] =>
  !step || step.state !== 'pending' ? [] : step.approvers ?? (step.approver ? [step.approver] : []);

/** May this person decide this step? Never the requester. */
export const mayDecide = (step: ApprovalStep | undefined, aadObjectId: string, requesterAad: string) =>
  aadObjectId !== requesterAad && approversOf(step).some((p) => p.aadObjectId === aadObjectId);

/**
 * The senior manager: the first member of the senior leadership team (directory order) who is not the
 * requester, the line manager or the head — a second pair of eyes, as the form intends. When there is
 * none (a very small school), the step is skipped and the head's approval covers the brand and logo.
 */
export function pickSeniorManager(members: Member[], requester: PersonRef, lineManager: PersonRef | undefined): Member | undefined {
  return members.find((m) => isSlt(m) && !isHead(m) && m.aadObjectId !== requester.aadObjectId && m.aadObjectId !== lineManager?.aadObjectId);
}

/** The final approver: the head; for the head's own request, the chair of governors (the head never approves their own). */
export function pickFinalApprover(members: Member[], requester: PersonRef): Member | undefined {
  const head = members.find((m) => isHead(m));
  if (head && head.aadObjectId !== requester.aadObjectId) return head;
  return members.find((m) => isChair(m) && !isHead(m) && m.aadObjectId !== requester.aadObjectId);
}

/**
 * The chain for a request, with the steps the school's policy sets (`roles`, in order). A step is skipped,
 * never self-approved, when its approver is the requester; and when its approver also holds a later step (a
 * line manager who is the head approves once, at the end). The senior team's step goes to every member but
 * the requester, and the first to decide decides it.
 */
export function buildChain(members: Member[], requester: PersonRef, lineManager: PersonRef, roles: readonly ApprovalRole[]): ApprovalStep[] {
  const lm = members.find((m) => m.aadObjectId === lineManager.aadObjectId);
  const pick = (role: ApprovalRole): Member | undefined =>
    role === 'lineManager' ? lm : role === 'seniorManager' ? pickSeniorManager(members, requester, lineManager) : role === 'head' ? pickFinalApprover(members, requester) : undefined;
  const planned = roles.map((role) => ({ role, who: pick(role) }));
  return planned.map(({ role, who }, i): ApprovalStep => {
    if (role === 'slt') {
      const team = members.filter((m) => isSlt(m) && m.aadObjectId !== requester.aadObjectId).map(personRef);
      return team.length ? { role, approvers: team, state: 'pending' } : { role, state: 'skipped', skippedBecause: 'nobody else is in the senior team' };
    }
    if (!who) return { role, state: 'skipped', skippedBecause: role === 'seniorManager' ? 'no other senior manager' : 'nobody holds this role' };
    if (who.aadObjectId === requester.aadObjectId) return { role, approver: personRef(who), state: 'skipped', skippedBecause: 'the requester cannot approve their own request' };
    if (planned.slice(i + 1).some((p) => p.who?.aadObjectId === who.aadObjectId)) {
      return { role, approver: personRef(who), state: 'skipped', skippedBecause: 'the same person approves at a later stage' };
    }
    return { role, approver: personRef(who), state: 'pending' };
  });
}

/** Index of the step waiting for a decision, or -1 when none is. */
export const currentStep = (chain: ApprovalStep[]) => chain.findIndex((s) => s.state === 'pending');

/** A chain is usable when its last step has an approver who is not the requester. */
export const chainComplete = (chain: ApprovalStep[]) => chain[chain.length - 1]?.state === 'pending';

/** "Awaiting line manager (Rachel Moore)"; "Awaiting SLT (any one member)". */
export function stageText(step: ApprovalStep | undefined, terms: ChainTerms): string {
  if (!step) return '';
  if (step.approvers) return `Awaiting ${roleLabel(step.role, terms)} (any one member)`;
  return `Awaiting ${roleLabel(step.role, terms)}${step.approver ? ` (${step.approver.name})` : ''}`;
}
