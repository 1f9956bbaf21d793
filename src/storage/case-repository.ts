import { randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { escapeKey, odataString, unescapeKey } from './keys.js';
import { isConflict, isNotFound } from './clients.js';
import {
  SEVERITY_RANK,
  isOpen,
  type CaseEvent,
  type CaseRecord,
  type CaseStatus,
  type CaseSummary,
  type EvidenceRecord,
  type OutboxItem,
  type PersonRef,
} from '../domain/cases/types.js';

/**
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
  mine: (aad: string, s: Pick<CaseSummary, 'createdAt' | 'id'>) => `u|${escapeKey(aad)}|${inv(s.createdAt)}|${s.id}`,
  reference: (ref: string) => `r|${ref}`,
  submission: (sub: string) => `s|${escapeKey(sub)}`,
  counter: (year: number) => `n|${year}`,
  pending: (caseId: string, oId: string) => `p|${caseId}|${oId}`,
};

export class CaseNotFoundError extends Error {
  readonly code = 'CASE_NOT_FOUND';
}
export class ConcurrentUpdateError extends Error {
  readonly code = 'CONCURRENT_UPDATE';
}

export interface NewCaseInput {
  schoolId: string;
  referencePrefix: string;
  /** Client-generated id of this submission (the draft id): a double-tapped Submit makes one case. */
  submissionId: string;
  kind: CaseRecord['kind'];
  category: string;
  status: CaseStatus;
  routing: CaseRecord['routing'];
  submitter: PersonRef;
  answers: Record<string, unknown>;
  stage?: Record<string, unknown>;
  evidence: EvidenceRecord[];
  /** Messages owed because of this case (alerts, notices, receipt), written in the same transaction. */
  outbox: Array<Pick<OutboxItem, 'kind' | 'recipient' | 'payload'>>;
  createdEvent?: Omit<CaseEvent, 'at' | 'type'>;
  now: string;
}

/** Messages a transaction just queued, with their ETags, so this instance can send them at once. */
export interface WrittenOutbox {
  case: CaseRecord;
  /**
   * `reservedUntil`: until then the poll (of any instance) leaves the message alone, so the instance that
   * wrote it may send it with the row's ETag without claiming it first.
   */
  items: Array<OutboxItem & { etag?: string; reservedUntil?: string }>;
}

/**
 * How long the poll leaves a message to the instance that wrote it. The fast path sends it within
 * milliseconds; if that instance dies first, the poll of any instance sends it once this has passed. It
 * must exceed the send timeout (OUTBOX_SEND_TIMEOUT_MS, 10 s by default) plus a margin, or the fast path
 * claims the row like the poll does.
 */
export const FAST_PATH_RESERVE_MS = 15_000;

/**
 * Pair the queued messages with the ETags the transaction returned for their rows. A sub-response names
 * its row as the service's Location header does, percent-encoded (`o%7C…` for `o|…`), so it is decoded.
 */
function withEtags(items: OutboxItem[], caseId: string, sub: Array<{ rowKey?: string; etag?: string }>, reservedUntil: string): WrittenOutbox['items'] {
  const byKey = new Map(sub.filter((r) => r.rowKey).map((r) => [decodeKey(r.rowKey!), r.etag?.trim()]));
  return items.map((o) => ({ ...o, etag: byKey.get(rowKeys.outbox(caseId, o.id)), reservedUntil }));
}

/** The pending pointer of an owed message: what the poll scans. It skips the message until `notBefore`. */
const pointerEntity = (pk: string, o: Pick<OutboxItem, 'caseId' | 'id' | 'kind'>, notBefore: string): Entity => ({
  partitionKey: pk,
  rowKey: rowKeys.pending(o.caseId, o.id),
  caseId: o.caseId,
  outboxId: o.id,
  kind: o.kind,
  notBefore,
});

export interface CaseDetail {
  case: CaseRecord;
  events: CaseEvent[];
  evidence: EvidenceRecord[];
  outbox: OutboxItem[];
}

export interface CaseChange {
  status?: CaseStatus;
  assignee?: PersonRef | null;
  outcome?: string;
  stage?: Record<string, unknown>;
  acknowledged?: CaseRecord['acknowledged'];
  answers?: Record<string, unknown>;
  routing?: CaseRecord['routing'];
  /** A resubmitted account request may change its platform. */
  category?: string;
  event: Omit<CaseEvent, 'at'>;
  outbox?: Array<Pick<OutboxItem, 'kind' | 'recipient' | 'payload'>>;
  /** Extra events (e.g. a queued-alert line per recipient). */
  moreEvents?: Array<Omit<CaseEvent, 'at'>>;
}

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string; etag?: string };

export function summaryOf(c: CaseRecord): CaseSummary {
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
  };
}

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
  return e;
}

function caseFromEntity(schoolId: string, e: Record<string, unknown>): CaseRecord {
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

const outboxEntity = (pk: string, o: OutboxItem): Entity => ({
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

export function outboxFromEntity(schoolId: string, e: Record<string, unknown>): OutboxItem & { etag?: string } {
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

const evidenceEntity = (pk: string, caseId: string, v: EvidenceRecord): Entity => ({
  partitionKey: pk,
  rowKey: rowKeys.evidence(caseId, v.id),
  ...v,
});

export interface ListOptions {
  /** Extra OData filter (already validated/escaped by the caller's filter builder). */
  filter?: string;
  pageSize?: number;
  continuationToken?: string;
}

export class CaseRepository {
  /** The tail of each school's queue of creates in this instance (see `create`). */
  private readonly creating = new Map<string, Promise<void>>();
  /** Each school's reference counter row (with its ETag) as this instance last wrote it. */
  private readonly counters = new Map<string, Entity>();

  private readonly onOutboxWritten: (schoolId: string, written: WrittenOutbox) => void;
  /** Messages are reserved for the fast path only when there is one to hand them to. */
  private readonly reserveMs: number;

  constructor(
    private readonly table: TableClient,
    onOutboxWritten?: (schoolId: string, written: WrittenOutbox) => void,
  ) {
    this.onOutboxWritten = onOutboxWritten ?? (() => undefined);
    this.reserveMs = onOutboxWritten ? FAST_PATH_RESERVE_MS : 0;
  }

  private reservedUntil(now: string): string {
    return new Date(Date.parse(now) + this.reserveMs).toISOString();
  }

  /**
   * Save a new case with its index rows, first chronology event, evidence and owed messages, atomically.
   * Creates for one school take turns in this instance: they all update the school's reference counter
   * (ETag-guarded), so running them at once only makes them fail each other's transactions (measured: a
   * quarter of 200 simultaneous reports ran out of attempts). Other instances still race through the ETag.
   */
  create(input: NewCaseInput): Promise<{ case: CaseRecord; duplicate: boolean }> {
    const previous = this.creating.get(input.schoolId) ?? Promise.resolve();
    const mine = previous.then(() => this.createNow(input));
    const settled = mine.then(() => undefined, () => undefined);
    this.creating.set(input.schoolId, settled);
    void settled.then(() => this.creating.get(input.schoolId) === settled && this.creating.delete(input.schoolId));
    return mine;
  }

  private async createNow(input: NewCaseInput): Promise<{ case: CaseRecord; duplicate: boolean }> {
    const pk = escapeKey(input.schoolId);
    const year = new Date(input.now).getUTCFullYear();
    const counterKey = `${pk}|${year}`;
    for (let attempt = 0; attempt < 20; attempt++) {
      // The transaction's submission row refuses a second case for a submission: look for the first one only
      // after a refusal. The counter as this instance last wrote it is used until a transaction is refused.
      if (attempt > 0) {
        const existing = await this.bySubmission(input.schoolId, input.submissionId);
        if (existing) return { case: existing, duplicate: true };
      }
      let counter: Entity | undefined = this.counters.get(counterKey);
      if (!counter) {
        try {
          counter = (await this.table.getEntity(pk, rowKeys.counter(year))) as unknown as Entity;
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      const next = Number(counter?.value ?? 0) + 1;
      const id = newId();
      const reference = `${input.referencePrefix}-${year}-${String(next).padStart(4, '0')}`;
      const c: CaseRecord = {
        schoolId: input.schoolId,
        id,
        reference,
        kind: input.kind,
        category: input.category,
        status: input.status,
        routing: input.routing,
        submitter: input.submitter,
        answers: input.answers,
        createdAt: input.now,
        updatedAt: input.now,
        stage: input.stage,
      };
      const s = summaryOf(c);
      const actions: TransactionAction[] = [];
      const counterEntity = { partitionKey: pk, rowKey: rowKeys.counter(year), value: next };
      actions.push(counter ? ['update', counterEntity, 'Replace', { etag: counter.etag }] : ['create', counterEntity]);
      actions.push(['create', caseEntity(c)]);
      actions.push(['create', { partitionKey: pk, rowKey: rowKeys.reference(reference), caseId: id }]);
      actions.push(['create', { partitionKey: pk, rowKey: rowKeys.submission(input.submissionId), caseId: id }]);
      actions.push(['create', indexEntity(pk, isOpen(c.status) ? rowKeys.open(s) : rowKeys.closed(s), s)]);
      actions.push(['create', indexEntity(pk, rowKeys.mine(c.submitter.aadObjectId, s), s)]);
      actions.push(['create', eventEntity(pk, id, { at: input.now, type: 'created', actor: input.submitter, ...input.createdEvent })]);
      for (const v of input.evidence) actions.push(['create', evidenceEntity(pk, id, v)]);
      const owed = this.outboxItems(input.schoolId, id, input.outbox, input.now);
      const reserved = this.reservedUntil(input.now);
      for (const o of owed) {
        actions.push(['create', outboxEntity(pk, o)]);
        actions.push(['create', pointerEntity(pk, o, reserved)]);
      }
      if (actions.length > 100) throw new Error('too many rows for one transaction');
      let written: WrittenOutbox;
      try {
        const done = await this.table.submitTransaction(actions);
        const etag = done.subResponses[0]?.etag?.trim();
        if (etag) this.counters.set(counterKey, { ...counterEntity, etag });
        else this.counters.delete(counterKey);
        written = { case: c, items: withEtags(owed, id, done.subResponses, reserved) };
      } catch (e) {
        this.counters.delete(counterKey);
        if (isConflict(e) || isTransactionConflict(e)) {
          // Another instance took the number (or this submission): try again after a short random pause.
          await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt + 1, 5)));
          continue;
        }
        throw e;
      }
      if (owed.length) this.onOutboxWritten(input.schoolId, written);
      return { case: c, duplicate: false };
    }
    throw new ConcurrentUpdateError('could not allocate a case reference');
  }

  private outboxItems(schoolId: string, caseId: string, items: NewCaseInput['outbox'], now: string): OutboxItem[] {
    return items.map((o) => ({
      ...o,
      id: newId(6),
      schoolId,
      caseId,
      state: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
    }));
  }

  async bySubmission(schoolId: string, submissionId: string): Promise<CaseRecord | undefined> {
    try {
      const e = await this.table.getEntity<{ caseId: string }>(escapeKey(schoolId), rowKeys.submission(submissionId));
      return (await this.get(schoolId, e.caseId))?.case;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async idByReference(schoolId: string, reference: string): Promise<string | undefined> {
    try {
      return (await this.table.getEntity<{ caseId: string }>(escapeKey(schoolId), rowKeys.reference(reference))).caseId;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The case with its chronology, evidence and alert states: one range query. */
  async get(schoolId: string, caseId: string): Promise<(CaseDetail & { etag: string }) | undefined> {
    if (!/^[0-9a-f]{16}$/.test(caseId)) return undefined;
    const pk = escapeKey(schoolId);
    const base = rowKeys.case(caseId);
    let c: CaseRecord | undefined;
    let etag = '';
    const events: CaseEvent[] = [];
    const evidence: EvidenceRecord[] = [];
    const outbox: OutboxItem[] = [];
    for await (const e of this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq ${odataString(pk)} and RowKey ge ${odataString(base)} and RowKey lt ${odataString(base + '}')}` },
    })) {
      const rk = String(e.rowKey);
      if (rk === base) {
        c = caseFromEntity(schoolId, e);
        etag = String(e.etag);
      } else if (rk.startsWith(base + '|e|')) {
        events.push({
          at: String(e.at),
          type: e.type as CaseEvent['type'],
          actor: e.actorAad || e.actorName ? { aadObjectId: String(e.actorAad), name: String(e.actorName) } : undefined,
          detail: e.detail ? String(e.detail) : undefined,
          data: JSON.parse(String(e.data ?? 'null')) ?? undefined,
        });
      } else if (rk.startsWith(base + '|v|')) {
        evidence.push({
          id: String(e.id), blobName: String(e.blobName), sha256: String(e.sha256), size: Number(e.size),
          contentType: String(e.contentType), originalName: String(e.originalName), receivedAt: String(e.receivedAt),
          source: e.source as EvidenceRecord['source'],
        });
      } else if (rk.startsWith(base + '|m|')) {
        const { etag: _e, ...o } = outboxFromEntity(schoolId, e);
        outbox.push(o);
      }
    }
    if (!c) return undefined;
    return { case: c, events, evidence, outbox, etag };
  }

  /**
   * Append a chronology event (views, evidence views) without touching the case; returns its row key (to
   * correct or remove it, see CaseService.view).
   */
  async addEvent(schoolId: string, caseId: string, ev: Omit<CaseEvent, 'at'>, now: string): Promise<string> {
    const e = eventEntity(escapeKey(schoolId), caseId, { ...ev, at: now });
    await this.table.createEntity(e);
    return e.rowKey;
  }

  /** Change what an event records (only its type, or remove it): for a view recorded before it was allowed. */
  async correctEvent(schoolId: string, rowKey: string, type: CaseEvent['type'] | 'remove'): Promise<void> {
    if (type === 'remove') await this.table.deleteEntity(escapeKey(schoolId), rowKey).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
    else await this.table.updateEntity({ partitionKey: escapeKey(schoolId), rowKey, type }, 'Merge');
  }

  /**
   * Change a case (status, assignee, stage…) with its event and any owed messages, atomically, guarded by
   * the case's ETag. Index rows move with it. Throws ConcurrentUpdateError when someone changed it first.
   */
  async update(schoolId: string, caseId: string, etag: string, change: CaseChange, now: string): Promise<CaseRecord> {
    const pk = escapeKey(schoolId);
    const current = await this.get(schoolId, caseId);
    if (!current) throw new CaseNotFoundError(caseId);
    if (current.etag !== etag) throw new ConcurrentUpdateError(caseId);
    const before = current.case;
    const after: CaseRecord = {
      ...before,
      status: change.status ?? before.status,
      assignee: change.assignee === null ? undefined : (change.assignee ?? before.assignee),
      outcome: change.outcome ?? before.outcome,
      stage: change.stage ?? before.stage,
      acknowledged: change.acknowledged ?? before.acknowledged,
      answers: change.answers ?? before.answers,
      routing: change.routing ?? before.routing,
      category: change.category ?? before.category,
      updatedAt: now,
    };
    const sb = summaryOf(before);
    const sa = summaryOf(after);
    const actions: TransactionAction[] = [['update', caseEntity(after), 'Replace', { etag }]];
    const oldIndex = isOpen(before.status) ? rowKeys.open(sb) : rowKeys.closed(sb);
    const newIndex = isOpen(after.status) ? rowKeys.open(sa) : rowKeys.closed(sa);
    if (oldIndex !== newIndex) {
      actions.push(['delete', { partitionKey: pk, rowKey: oldIndex }]);
      actions.push(['create', indexEntity(pk, newIndex, sa)]);
    } else {
      actions.push(['upsert', indexEntity(pk, newIndex, sa), 'Replace']);
    }
    actions.push(['upsert', indexEntity(pk, rowKeys.mine(after.submitter.aadObjectId, sa), sa), 'Replace']);
    const events = [change.event, ...(change.moreEvents ?? [])];
    events.forEach((ev, i) => actions.push(['create', eventEntity(pk, caseId, { ...ev, at: new Date(Date.parse(now) + i).toISOString() })]));
    const items = this.outboxItems(schoolId, caseId, change.outbox ?? [], now);
    const reserved = this.reservedUntil(now);
    for (const o of items) {
      actions.push(['create', outboxEntity(pk, o)]);
      actions.push(['create', pointerEntity(pk, o, reserved)]);
    }
    let done;
    try {
      done = await this.table.submitTransaction(actions);
    } catch (e) {
      if (isConflict(e) || isTransactionConflict(e)) throw new ConcurrentUpdateError(caseId);
      throw e;
    }
    if (items.length) this.onOutboxWritten(schoolId, { case: after, items: withEtags(items, caseId, done.subResponses, reserved) });
    return after;
  }

  /** Open cases (most severe, then newest), filtered, one page. */
  async listOpen(schoolId: string, opts: ListOptions = {}): Promise<{ items: CaseSummary[]; continuationToken?: string }> {
    return this.page(schoolId, 'o|', 'o}', opts);
  }

  async listClosed(schoolId: string, opts: ListOptions = {}): Promise<{ items: CaseSummary[]; continuationToken?: string }> {
    return this.page(schoolId, 'x|', 'x}', opts);
  }

  /** A person's own submissions, newest first. */
  async listMine(schoolId: string, aad: string, opts: ListOptions = {}): Promise<{ items: CaseSummary[]; continuationToken?: string }> {
    const p = `u|${escapeKey(aad)}|`;
    return this.page(schoolId, p, p.slice(0, -1) + '}', opts);
  }

  private async page(schoolId: string, from: string, to: string, opts: ListOptions) {
    const pk = escapeKey(schoolId);
    const filter = [`PartitionKey eq ${odataString(pk)}`, `RowKey ge ${odataString(from)}`, `RowKey lt ${odataString(to)}`];
    if (opts.filter) filter.push(`(${opts.filter})`);
    const iter = this.table
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: filter.join(' and ') } })
      .byPage({ maxPageSize: opts.pageSize ?? 50, continuationToken: opts.continuationToken });
    const first = await iter.next();
    const page = (first.value ?? []) as Array<Record<string, unknown>> & { continuationToken?: string };
    return { items: page.map((e) => summaryFromIndex(schoolId, e)), continuationToken: page.continuationToken };
  }

  // ---- outbox: used by the dispatcher ----

  /**
   * Pointers to messages still owed (pointer rows), oldest first within a school. `dueBy` (the poll): only those due by then, leaving out the ones
   * reserved for the instance that wrote them and the ones waiting for their next attempt.
   */
  async pendingPointers(
    limit = 200,
    kind?: OutboxItem['kind'],
    dueBy?: string,
    schoolIds?: readonly string[],
  ): Promise<Array<{ schoolId: string; caseId: string; outboxId: string }>> {
    const out: Array<{ schoolId: string; caseId: string; outboxId: string }> = [];
    // `kind`: only pointers of that kind (pointer rows written before pointers carried a kind never match).
    const rows = `RowKey ge 'p|' and RowKey lt 'p}'${kind ? ` and kind eq ${odataString(kind)}` : ''}`;
    // `schoolIds`: one range query in each school's partition, instead of a scan across all of them.
    const filters = schoolIds ? schoolIds.map((id) => `PartitionKey eq ${odataString(escapeKey(id))} and ${rows}`) : [rows];
    for (const filter of filters) {
      for await (const e of this.table.listEntities<{ caseId: string; outboxId: string; notBefore?: string }>({ queryOptions: { filter } })) {
        if (dueBy && e.notBefore && e.notBefore > dueBy) continue;
        out.push({ schoolId: unescapeKey(String(e.partitionKey)), caseId: e.caseId, outboxId: e.outboxId });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  async getOutbox(schoolId: string, caseId: string, outboxId: string): Promise<(OutboxItem & { etag?: string }) | undefined> {
    try {
      const e = await this.table.getEntity<Record<string, unknown>>(escapeKey(schoolId), rowKeys.outbox(caseId, outboxId));
      return outboxFromEntity(schoolId, e);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /**
   * Record a delivery attempt's result. A final state (delivered/failed/unreachable) removes the pending
   * pointer and adds a chronology event, in the same transaction.
   */
  async saveOutbox(item: OutboxItem & { etag?: string }, event?: Omit<CaseEvent, 'at'>, now = new Date().toISOString()): Promise<void> {
    const pk = escapeKey(item.schoolId);
    const { etag, ...o } = item;
    const actions: TransactionAction[] = [['update', outboxEntity(pk, o), 'Replace', etag ? { etag } : undefined]];
    // A final state removes the pointer; a retry moves it to the next attempt (so the poll finds it then).
    if (o.state !== 'pending') actions.push(['delete', { partitionKey: pk, rowKey: rowKeys.pending(o.caseId, o.id) }]);
    else actions.push(['upsert', pointerEntity(pk, o, o.nextAttemptAt), 'Replace']);
    if (event) actions.push(['create', eventEntity(pk, o.caseId, { ...event, at: now })]);
    await this.table.submitTransaction(actions);
  }

  /** Take a pending message for sending (ETag-guarded). Returns the new ETag, or undefined if another instance has it. */
  async claimOutbox(item: OutboxItem & { etag?: string }, until: string): Promise<string | undefined> {
    const { etag, ...o } = item;
    try {
      const r = await this.table.updateEntity(outboxEntity(escapeKey(o.schoolId), { ...o, claimedUntil: until }), 'Replace', { etag });
      return r.etag;
    } catch (e) {
      if (isConflict(e)) return undefined;
      throw e;
    }
  }

  /** Delivered messages of a kind for a case (to update every DSL's card in place). */
  async outboxOf(schoolId: string, caseId: string): Promise<OutboxItem[]> {
    return (await this.get(schoolId, caseId))?.outbox ?? [];
  }
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}


function isTransactionConflict(e: unknown): boolean {
  const err = e as { statusCode?: number; code?: string; response?: { status?: number } };
  return err?.code === 'EntityAlreadyExists' || err?.code === 'UpdateConditionNotSatisfied' || err?.response?.status === 409 || err?.response?.status === 412;
}
