import { referralsOwed } from './referrals.js';
import type { CaseRecord, CaseSummary } from './types.js';

/** The part of a case its list rows carry, and that need-to-know decisions read. */
export function summaryOf(c: CaseRecord): CaseSummary {
  const owed = referralsOwed(c);
  return {
    schoolId: c.schoolId,
    id: c.id,
    reference: c.reference,
    kind: c.kind,
    category: c.category,
    status: c.status,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    assignee: c.assignee,
    acknowledged: c.acknowledged,
    severity: c.routing.severity,
    safeguarding: c.routing.safeguarding,
    aboutHead: c.routing.aboutHead,
    queue: c.routing.queue,
    submitterAad: c.submitter.aadObjectId,
    ...(c.routing.policyTell?.length ? { policyTell: c.routing.policyTell } : {}),
    ...(c.routing.lineManagerAad ? { lineManagerAad: c.routing.lineManagerAad } : {}),
    ...(c.routing.subject ? { subjectAad: c.routing.subject.aadObjectId } : {}),
    ...(owed ? { referralsOwed: owed } : {}),
  };
}
