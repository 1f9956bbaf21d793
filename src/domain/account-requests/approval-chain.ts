/**
 * The approval chain of Appendix B (seed 002): the line manager ("I approve the aims and content"), another
 * senior manager ("… and the use of school brand and logo"), then the headteacher/principal. Pure functions.
 */
import { isChair, isHead, isSlt, personRef, type Member } from '../directory/directory.js';
import type { PersonRef } from '../cases/types.js';

export type ApprovalRole = 'lineManager' | 'seniorManager' | 'head';
export type StepState = 'pending' | 'approved' | 'skipped';

export interface ApprovalStep {
  role: ApprovalRole;
  approver?: PersonRef;
  state: StepState;
  /** Why a step was skipped, in words the requester and the tab can show. */
  skippedBecause?: string;
  decidedAt?: string;
}

export const ROLE_LABELS: Record<ApprovalRole, string> = {
  lineManager: 'line manager',
  seniorManager: 'senior manager',
  head: 'headteacher',
};

export const roleLabel = (role: ApprovalRole, headTitle: string) => (role === 'head' ? headTitle.toLowerCase() : ROLE_LABELS[role]);


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
 * The chain for a request. A step is skipped, never self-approved, when its approver is the requester;
 * and when its approver also holds a later step (a line manager who is the head approves once, at the end).
 */
export function buildChain(members: Member[], requester: PersonRef, lineManager: PersonRef): ApprovalStep[] {
  const lm = members.find((m) => m.aadObjectId === lineManager.aadObjectId);
  const senior = pickSeniorManager(members, requester, lineManager);
  const final = pickFinalApprover(members, requester);
  const planned: Array<{ role: ApprovalRole; who?: Member }> = [
    { role: 'lineManager', who: lm },
    { role: 'seniorManager', who: senior },
    { role: 'head', who: final },
  ];
  return planned.map(({ role, who }, i) => {
    if (!who) {
      return { role, state: 'skipped' as const, skippedBecause: role === 'seniorManager' ? 'no other senior manager; the final approval covers the brand and logo' : 'nobody holds this role' };
    }
    if (who.aadObjectId === requester.aadObjectId) return { role, approver: personRef(who), state: 'skipped' as const, skippedBecause: 'the requester cannot approve their own request' };
    if (planned.slice(i + 1).some((p) => p.who?.aadObjectId === who.aadObjectId)) {
      return { role, approver: personRef(who), state: 'skipped' as const, skippedBecause: 'the same person approves at a later stage' };
    }
    return { role, approver: personRef(who), state: 'pending' as const };
  });
}

/** Index of the step waiting for a decision, or -1 when none is. */
export const currentStep = (chain: ApprovalStep[]) => chain.findIndex((s) => s.state === 'pending');

/** A chain is usable when its last step has an approver who is not the requester. */
export const chainComplete = (chain: ApprovalStep[]) => chain[chain.length - 1]?.state === 'pending';

/** "Awaiting line manager (Rachel Moore)". */
export function stageText(step: ApprovalStep | undefined, headTitle: string): string {
  if (!step) return '';
  return `Awaiting ${roleLabel(step.role, headTitle)}${step.approver ? ` (${step.approver.name})` : ''}`;
}
