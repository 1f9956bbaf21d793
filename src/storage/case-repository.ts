import type { TableClient, TransactionAction } from '@azure/data-tables';
import { escapeKey, odataString } from './keys.js';
import { isConflict, isNotFound } from './clients.js';
import { caseEntity, caseFromEntity, eventEntity, eventFromEntity, evidenceEntity, evidenceFromEntity, indexEntity, newId, outboxEntity, outboxFromEntity, pointerEntity, rowKeys, summaryFromIndex, type Entity } from './case-entities.js';
import { CaseNotFoundError, ConcurrentUpdateError } from '../domain/cases/errors.js';
import { FAST_PATH_RESERVE_MS } from '../domain/cases/outbox-dispatcher.js';
import { applyCaseChange, type CaseChange, type CaseDetail, type CasePage, type CaseStore, type ListOptions, type NewCaseInput, type WrittenOutbox } from '../domain/cases/ports.js';
import { summaryOf } from '../domain/cases/summary.js';
import { isOpen, type CaseEvent, type CaseRecord, type EvidenceRecord, type OutboxItem } from '../domain/cases/types.js';

/**
 * Pair the queued messages with the ETags the transaction returned for their rows. A sub-response names
 * its row as the service's Location header does, percent-encoded (`o%7C…` for `o|…`), so it is decoded.
 */
function withEtags(items: OutboxItem[], caseId: string, sub: Array<{ rowKey?: string; etag?: string }>, reservedUntil: string): WrittenOutbox['items'] {
  const byKey = new Map(sub.filter((r) => r.rowKey).map((r) => [decodeKey(r.rowKey!), r.etag?.trim()]));
  return items.map((o) => ({ ...o, etag: byKey.get(rowKeys.outbox(caseId, o.id)), reservedUntil }));
}

/**
 * Cases in Table storage (rows and keys: case-entities.ts): a case with its index rows, chronology,
 * evidence and the messages it owes written in one entity-group transaction, every change guarded by the
 * case's ETag. The messages' delivery is the outbox store's (outbox-store.ts).
 */
export class CaseRepository implements CaseStore {
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
      // The submission id rides on the case row, so destroying the case finds its lookup row without a scan.
      actions.push(['create', { ...caseEntity(c), submissionId: input.submissionId }]);
      actions.push(['create', { partitionKey: pk, rowKey: rowKeys.reference(reference), caseId: id }]);
      actions.push(['create', { partitionKey: pk, rowKey: rowKeys.submission(input.submissionId), caseId: id }]);
      actions.push(['create', indexEntity(pk, isOpen(c.status) ? rowKeys.open(s) : rowKeys.closed(s), s)]);
      actions.push(['create', indexEntity(pk, rowKeys.mine(c.submitter.aadObjectId, s), s)]);
      actions.push(['create', eventEntity(pk, id, { at: input.now, type: 'created', actor: input.submitter, ...input.createdEvent })]);
      // A millisecond apart, so the chronology (ordered by time) lists them after the creation.
      (input.moreEvents ?? []).forEach((ev, i) => actions.push(['create', eventEntity(pk, id, { ...ev, at: new Date(Date.parse(input.now) + 1 + i).toISOString() })]));
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
  async get(schoolId: string, caseId: string): Promise<(CaseDetail & { etag: string; submissionId?: string }) | undefined> {
    if (!/^[0-9a-f]{16}$/.test(caseId)) return undefined;
    const pk = escapeKey(schoolId);
    const base = rowKeys.case(caseId);
    let c: CaseRecord | undefined;
    let etag = '';
    let submissionId: string | undefined;
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
        submissionId = typeof e.submissionId === 'string' ? e.submissionId : undefined;
      } else if (rk.startsWith(base + '|e|')) {
        events.push(eventFromEntity(e));
      } else if (rk.startsWith(base + '|v|')) {
        evidence.push(evidenceFromEntity(e));
      } else if (rk.startsWith(base + '|m|')) {
        const { etag: _e, ...o } = outboxFromEntity(schoolId, e);
        outbox.push(o);
      }
    }
    if (!c) return undefined;
    return { case: c, events, evidence, outbox, etag, ...(submissionId ? { submissionId } : {}) };
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
    const after = applyCaseChange(before, change, now);
    const sb = summaryOf(before);
    const sa = summaryOf(after);
    const submissionId = current.submissionId;
    const actions: TransactionAction[] = [['update', { ...caseEntity(after), ...(submissionId ? { submissionId } : {}) }, 'Replace', { etag }]];
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
    for (const v of change.evidence ?? []) actions.push(['create', evidenceEntity(pk, caseId, v)]);
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
  async listOpen(schoolId: string, opts: ListOptions = {}): Promise<CasePage> {
    return this.page(schoolId, 'o|', 'o}', opts);
  }

  /** Closed cases, newest first. */
  async listClosed(schoolId: string, opts: ListOptions = {}): Promise<CasePage> {
    return this.page(schoolId, 'x|', 'x}', opts);
  }

  /** Closed cases created after `at` (an ISO time), newest first: the closed index read only as far as `at`. */
  async listClosedAfter(schoolId: string, at: string, opts: ListOptions = {}): Promise<CasePage> {
    return this.page(schoolId, 'x|', rowKeys.closedAt(at), opts);
  }

  /** A person's own submissions, newest first. */
  async listMine(schoolId: string, aad: string, opts: ListOptions = {}): Promise<CasePage> {
    const p = `u|${escapeKey(aad)}|`;
    return this.page(schoolId, p, p.slice(0, -1) + '}', opts);
  }

  private async page(schoolId: string, from: string, to: string, opts: ListOptions): Promise<CasePage> {
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
