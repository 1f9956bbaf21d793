import { randomBytes } from 'node:crypto';
import { escapeKey } from './keys.js';
import { SEVERITY_RANK, type CaseEvent, type CaseRecord, type CaseStatus, type CaseSummary, type EvidenceRecord, type OutboxItem } from '../domain/cases/types.js';
import type { StoredOutboxItem } from '../domain/cases/ports.js';
import { TELL_FLAGS } from '../domain/cases/access.js';

/**
 * The cases table's rows: their keys and how each kind of row maps to and from the domain's records.
 *
 * One table, partitioned by school, so that a case, its index rows, its chronology and the alerts it owes
 * are written together in one entity-group transaction (nothing half-saved, no alert lost).
 *
 * Row keys (all in partition <schoolId>):
 *   c|<id>                         the case (answers chunked in a0…aN)
 *   c|<id>|e|<ms>|<rand>           chronology events, in time order
 *   c|<id>|v|<evidenceId>          evidence metadata (bytes in the private blob container)
 *   c|<id>|m|<outboxId>            alert/message owed to one person, with its delivery state
 *   o|<severityRank>|<inv ms>|<id> open-case index: most severe, then newest, first
 *   x|<inv ms>|<id>                closed-case index, newest first
 *   u|<aad>|<inv ms>|<id>          "my submissions" index of the submitter
 *   r|<reference>                  reference → id
 *   s|<submissionId>               idempotency: one case per submission
 *   n|<year>                       reference counter
 *   p|<caseId>|<outboxId>          pending-delivery pointer for the dispatcher
 * A case detail is one range query (c|<id> … c|<id>}); the open list is one range query per page.
 */

const CHUNK = 30_000;
const MAX_MS = 9_999_999_999_999;
const inv = (iso: string) => String(MAX_MS - Date.parse(iso)).padStart(13, '0');
const ms = (iso: string) => String(Date.parse(iso)).padStart(13, '0');
export const newId = (bytes = 8) => randomBytes(bytes).toString('hex');

export const rowKeys = {
  case: (id: string) => `c|${id}`,
  event: (id: string, at: string) => `c|${id}|e|${ms(at)}|${newId(3)}`,
  evidence: (id: string, evId: string) => `c|${id}|v|${evId}`,
  outbox: (id: string, oId: string) => `c|${id}|m|${oId}`,
  open: (s: Pick<CaseSummary, 'severity' | 'createdAt' | 'id'>) => `o|${SEVERITY_RANK[s.severity]}|${inv(s.createdAt)}|${s.id}`,
  closed: (s: Pick<CaseSummary, 'createdAt' | 'id'>) => `x|${inv(s.createdAt)}|${s.id}`,
  /** Where the closed index (newest first) reaches the cases created at `at`: those before it were created after. */
  closedAt: (at: string) => `x|${inv(at)}`,
  mine: (aad: string, s: Pick<CaseSummary, 'createdAt' | 'id'>) => `u|${escapeKey(aad)}|${inv(s.createdAt)}|${s.id}`,
  reference: (ref: string) => `r|${ref}`,
  submission: (sub: string) => `s|${escapeKey(sub)}`,
  counter: (year: number) => `n|${year}`,
  pending: (caseId: string, oId: string) => `p|${caseId}|${oId}`,
};

export type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string; etag?: string };

/** The pending pointer of an owed message: what the poll scans. It skips the message until `notBefore`. */
export const pointerEntity = (pk: string, o: Pick<OutboxItem, 'caseId' | 'id' | 'kind'>, notBefore: string): Entity => ({
  partitionKey: pk,
  rowKey: rowKeys.pending(o.caseId, o.id),
  caseId: o.caseId,
  outboxId: o.id,
  kind: o.kind,
  notBefore,
});

function chunk(prefix: string, value: unknown, into: Entity): void {
  const json = JSON.stringify(value ?? null);
  const n = Math.ceil(json.length / CHUNK) || 1;
  into[`${prefix}n`] = n;
  for (let i = 0; i < n; i++) into[`${prefix}${i}`] = json.slice(i * CHUNK, (i + 1) * CHUNK);
}
function unchunk<T>(prefix: string, e: Record<string, unknown>): T {
  const n = Number(e[`${prefix}n`] ?? 0);
  let json = '';
  for (let i = 0; i < n; i++) json += String(e[`${prefix}${i}`] ?? '');
  return (json ? JSON.parse(json) : undefined) as T;
}

export const indexEntity = (pk: string, rowKey: string, s: CaseSummary): Entity => ({
  partitionKey: pk,
  rowKey,
  caseId: s.id,
  reference: s.reference,
  kind: s.kind,
  category: s.category,
  status: s.status,
  severity: s.severity,
  safeguarding: s.safeguarding,
  aboutHead: s.aboutHead,
  queue: s.queue,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  assigneeAad: s.assignee?.aadObjectId ?? '',
  assigneeName: s.assignee?.name ?? '',
  acknowledgedAt: s.acknowledged?.at ?? '',
  acknowledgedBy: s.acknowledged?.by.name ?? '',
  submitterAad: s.submitterAad,
  referralsOwed: s.referralsOwed ? JSON.stringify(s.referralsOwed) : '',
  // Who else may open the case (the list's filter reads these; see visibilityFilter).
  policyTell: (s.policyTell ?? []).join(','),
  ...Object.fromEntries(TELL_FLAGS.map(([role, flag]) => [flag, (s.policyTell ?? []).includes(role)])),
  lineManagerAad: s.lineManagerAad ?? '',
  subjectAad: s.subjectAad ?? '',
});

export function summaryFromIndex(schoolId: string, e: Record<string, unknown>): CaseSummary {
  return {
    schoolId,
    id: String(e.caseId),
    reference: String(e.reference),
    kind: e.kind as CaseSummary['kind'],
    category: String(e.category),
    status: e.status as CaseStatus,
    severity: e.severity as CaseSummary['severity'],
    safeguarding: Boolean(e.safeguarding),
    aboutHead: Boolean(e.aboutHead),
    queue: e.queue as CaseSummary['queue'],
    createdAt: String(e.createdAt),
    updatedAt: String(e.updatedAt),
    assignee: e.assigneeAad ? { aadObjectId: String(e.assigneeAad), name: String(e.assigneeName) } : undefined,
    acknowledged: e.acknowledgedAt ? { at: String(e.acknowledgedAt), by: { aadObjectId: '', name: String(e.acknowledgedBy) } } : undefined,
    submitterAad: String(e.submitterAad),
    ...(e.policyTell ? { policyTell: String(e.policyTell).split(',') as CaseSummary['policyTell'] } : {}),
    ...(e.lineManagerAad ? { lineManagerAad: String(e.lineManagerAad) } : {}),
    ...(e.subjectAad ? { subjectAad: String(e.subjectAad) } : {}),
    ...(e.referralsOwed ? { referralsOwed: JSON.parse(String(e.referralsOwed)) as CaseSummary['referralsOwed'] } : {}),
  };
}

export function caseEntity(c: CaseRecord): Entity {
  const e: Entity = {
    partitionKey: escapeKey(c.schoolId),
    rowKey: rowKeys.case(c.id),
    id: c.id,
    reference: c.reference,
    kind: c.kind,
    category: c.category,
    status: c.status,
    submitterAad: c.submitter.aadObjectId,
    submitterName: c.submitter.name,
    assigneeAad: c.assignee?.aadObjectId ?? '',
    assigneeName: c.assignee?.name ?? '',
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    outcome: c.outcome ?? '',
    routing: JSON.stringify(c.routing),
    stage: JSON.stringify(c.stage ?? null),
    acknowledged: JSON.stringify(c.acknowledged ?? null),
  };
  chunk('a', c.answers, e);
  if (c.referrals?.length) chunk('ref', c.referrals, e);
  if (c.legalHold) e.legalHold = JSON.stringify(c.legalHold);
  if (c.retentionReview) e.retentionReview = JSON.stringify(c.retentionReview);
  return e;
}

export function caseFromEntity(schoolId: string, e: Record<string, unknown>): CaseRecord {
  const referrals = unchunk<CaseRecord['referrals']>('ref', e);
  return {
    schoolId,
    id: String(e.id),
    reference: String(e.reference),
    kind: e.kind as CaseRecord['kind'],
    category: String(e.category),
    status: e.status as CaseStatus,
    routing: JSON.parse(String(e.routing)),
    submitter: { aadObjectId: String(e.submitterAad), name: String(e.submitterName) },
    assignee: e.assigneeAad ? { aadObjectId: String(e.assigneeAad), name: String(e.assigneeName) } : undefined,
    answers: unchunk('a', e) ?? {},
    createdAt: String(e.createdAt),
    updatedAt: String(e.updatedAt),
    outcome: e.outcome ? String(e.outcome) : undefined,
    stage: JSON.parse(String(e.stage ?? 'null')) ?? undefined,
    acknowledged: JSON.parse(String(e.acknowledged ?? 'null')) ?? undefined,
    ...(referrals ? { referrals } : {}),
    ...(e.legalHold ? { legalHold: JSON.parse(String(e.legalHold)) as CaseRecord['legalHold'] } : {}),
    ...(e.retentionReview ? { retentionReview: JSON.parse(String(e.retentionReview)) as CaseRecord['retentionReview'] } : {}),
  };
}

export const eventEntity = (pk: string, caseId: string, ev: CaseEvent): Entity => ({
  partitionKey: pk,
  rowKey: rowKeys.event(caseId, ev.at),
  at: ev.at,
  type: ev.type,
  actorAad: ev.actor?.aadObjectId ?? '',
  actorName: ev.actor?.name ?? '',
  detail: ev.detail ?? '',
  data: JSON.stringify(ev.data ?? null),
});

export const outboxEntity = (pk: string, o: OutboxItem): Entity => ({
  partitionKey: pk,
  rowKey: rowKeys.outbox(o.caseId, o.id),
  id: o.id,
  caseId: o.caseId,
  kind: o.kind,
  recipientAad: o.recipient.aadObjectId,
  recipientName: o.recipient.name,
  payload: JSON.stringify(o.payload),
  state: o.state,
  attempts: o.attempts,
  nextAttemptAt: o.nextAttemptAt,
  createdAt: o.createdAt,
  deliveredAt: o.deliveredAt ?? '',
  conversationId: o.conversationId ?? '',
  activityId: o.activityId ?? '',
  lastError: o.lastError ?? '',
  lastStatus: o.lastStatus ?? 0,
  lastCode: o.lastCode ?? '',
  claimedUntil: o.claimedUntil ?? '',
  sharedMessage: o.sharedMessage ? JSON.stringify(o.sharedMessage) : '',
});

export function outboxFromEntity(schoolId: string, e: Record<string, unknown>): StoredOutboxItem {
  return {
    id: String(e.id),
    schoolId,
    caseId: String(e.caseId),
    kind: e.kind as OutboxItem['kind'],
    recipient: { aadObjectId: String(e.recipientAad), name: String(e.recipientName) },
    payload: JSON.parse(String(e.payload)),
    state: e.state as OutboxItem['state'],
    attempts: Number(e.attempts ?? 0),
    nextAttemptAt: String(e.nextAttemptAt),
    createdAt: String(e.createdAt),
    deliveredAt: e.deliveredAt ? String(e.deliveredAt) : undefined,
    conversationId: e.conversationId ? String(e.conversationId) : undefined,
    activityId: e.activityId ? String(e.activityId) : undefined,
    lastError: e.lastError ? String(e.lastError) : undefined,
    lastStatus: Number(e.lastStatus) > 0 ? Number(e.lastStatus) : undefined,
    lastCode: e.lastCode ? String(e.lastCode) : undefined,
    claimedUntil: e.claimedUntil ? String(e.claimedUntil) : undefined,
    sharedMessage: e.sharedMessage ? (JSON.parse(String(e.sharedMessage)) as string[]) : undefined,
    etag: e.etag as string | undefined,
  };
}

export const evidenceEntity = (pk: string, caseId: string, v: EvidenceRecord): Entity => ({
  partitionKey: pk,
  rowKey: rowKeys.evidence(caseId, v.id),
  ...v,
});

export function eventFromEntity(e: Record<string, unknown>): CaseEvent {
  return {
    at: String(e.at),
    type: e.type as CaseEvent['type'],
    actor: e.actorAad || e.actorName ? { aadObjectId: String(e.actorAad), name: String(e.actorName) } : undefined,
    detail: e.detail ? String(e.detail) : undefined,
    data: JSON.parse(String(e.data ?? 'null')) ?? undefined,
  };
}

export function evidenceFromEntity(e: Record<string, unknown>): EvidenceRecord {
  return {
    id: String(e.id), blobName: String(e.blobName), sha256: String(e.sha256), size: Number(e.size),
    contentType: String(e.contentType), originalName: String(e.originalName), receivedAt: String(e.receivedAt),
    source: e.source as EvidenceRecord['source'],
  };
}
