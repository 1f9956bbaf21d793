import type { TableClient, TransactionAction } from '@azure/data-tables';
import { escapeKey, odataString, unescapeKey } from './keys.js';
import { isConflict, isNotFound } from './clients.js';
import { caseFromEntity, eventEntity, outboxEntity, outboxFromEntity, pointerEntity, rowKeys } from './case-entities.js';
import type { OutboxStore, PendingPointer, StoredOutboxItem } from '../domain/cases/ports.js';
import type { CaseEvent, CaseRecord, OutboxItem } from '../domain/cases/types.js';

/**
 * The messages cases owe, in the cases table (rows: case-entities.ts), as the dispatcher reads, claims and
 * settles them. Each message's row carries its delivery state and an ETag, so two instances never both
 * send it; its pending pointer (`p|…`) is what the poll scans, until the message reaches a final state.
 */
export class TableOutboxStore implements OutboxStore {
  constructor(private readonly table: TableClient) {}

  /**
   * Pointers to messages still owed (pointer rows), oldest first within a school. `dueBy` (the poll): only
   * those due by then, leaving out the ones reserved for the instance that wrote them and the ones waiting for their next attempt.
   */
  async pendingPointers(
    limit = 200,
    kind?: OutboxItem['kind'],
    dueBy?: string,
    schoolIds?: readonly string[],
  ): Promise<PendingPointer[]> {
    const out: PendingPointer[] = [];
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

  async getOutbox(schoolId: string, caseId: string, outboxId: string): Promise<(StoredOutboxItem) | undefined> {
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
  async saveOutbox(item: StoredOutboxItem, event?: Omit<CaseEvent, 'at'>, now = new Date().toISOString()): Promise<void> {
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
  async claimOutbox(item: StoredOutboxItem, until: string): Promise<string | undefined> {
    const { etag, ...o } = item;
    try {
      const r = await this.table.updateEntity(outboxEntity(escapeKey(o.schoolId), { ...o, claimedUntil: until }), 'Replace', { etag });
      return r.etag;
    } catch (e) {
      if (isConflict(e)) return undefined;
      throw e;
    }
  }

  async caseOf(schoolId: string, caseId: string): Promise<CaseRecord | undefined> {
    try {
      return caseFromEntity(schoolId, await this.table.getEntity<Record<string, unknown>>(escapeKey(schoolId), rowKeys.case(caseId)));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
