import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { ContainerClient } from '@azure/storage-blob';
import type { ClosedRef, ExportRecord, Leaver, RecordsStore, ReviewDue, Tombstone } from '../domain/records/ports.js';
import { isOpen, type CaseRecord } from '../domain/cases/types.js';
import { summaryOf } from '../domain/cases/summary.js';
import { rowKeys } from './case-entities.js';
import { isConflict, isNotFound } from './clients.js';
import { escapeKey, odataString } from './keys.js';

/**
 * The records table, one partition per school:
 *   t|<caseId>                  a tombstone: what is left of a record destroyed on schedule or erased (no content)
 *   rv|<caseId>                 a record due for review under the schedule
 *   l|<aad>                     a leaver: when they were removed from the directory, and by whom
 *   e|<inverted time>|<id>      a subject access export, as recorded
 * And, in the cases table, what destroying a case deletes: every `c|<id>…` row (the case, its chronology,
 * evidence and messages), its closed-index and "my submissions" rows, its reference and submission lookups and
 * any pending pointer; and in the evidence container every blob named after one of its images (the original
 * and any file derived from it beside it, `<name>.display.*`, `<name>.thumb.*`).
 */
const MAX_MS = 9_999_999_999_999;
const inv = (iso: string) => String(MAX_MS - Date.parse(iso)).padStart(13, '0');

export class RecordsRepository implements RecordsStore {
  constructor(
    private readonly cases: TableClient,
    private readonly records: TableClient,
    private readonly evidence: ContainerClient,
  ) {}

  async *closedCases(schoolId: string): AsyncIterable<ClosedRef> {
    const filter = `PartitionKey eq ${odataString(escapeKey(schoolId))} and RowKey ge 'x|' and RowKey lt 'x}'`;
    // Collected first: destroying a case deletes its index row, which must not disturb the listing.
    const refs: ClosedRef[] = [];
    for await (const e of this.cases.listEntities<ClosedRef>({ queryOptions: { filter, select: ['caseId', 'kind', 'category', 'createdAt'] } })) refs.push({ caseId: e.caseId, kind: e.kind, category: e.category, createdAt: e.createdAt });
    yield* refs;
  }

  async claimForDestruction(schoolId: string, caseId: string, etag: string, now: string, until: string): Promise<boolean> {
    const pk = escapeKey(schoolId);
    let row: Record<string, unknown> & { etag?: string };
    try {
      row = await this.cases.getEntity<Record<string, unknown>>(pk, rowKeys.case(caseId));
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
    if (row.etag !== etag) return false;
    if (typeof row.destroyClaimUntil === 'string' && row.destroyClaimUntil > now) return false;
    try {
      await this.cases.updateEntity({ partitionKey: pk, rowKey: rowKeys.case(caseId), destroyClaimUntil: until }, 'Merge', { etag });
      return true;
    } catch (e) {
      if (isConflict(e) || isNotFound(e)) return false;
      throw e;
    }
  }

  async destroyCase(c: CaseRecord, blobNames: string[], t: Tombstone): Promise<void> {
    const { schoolId, id: caseId } = c;
    const pk = escapeKey(schoolId);
    await this.records.upsertEntity({ partitionKey: pk, rowKey: `t|${caseId}`, ...flat(t) }, 'Replace');
    for (const name of blobNames) await this.deleteBlobFamily(name);
    const rows: string[] = [];
    const range = async (from: string, to: string, extra = '') => {
      const filter = `PartitionKey eq ${odataString(pk)} and RowKey ge ${odataString(from)} and RowKey lt ${odataString(to)}${extra}`;
      for await (const e of this.cases.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) rows.push(String(e.rowKey));
    };
    const base = rowKeys.case(caseId);
    await range(`${base}|`, `${base}|~`);
    await range(`p|${caseId}|`, `p|${caseId}}`);
    // The submission lookup is named on the case row (cases saved before it was are found by a scan).
    let submissionId: string | undefined;
    try {
      submissionId = (await this.cases.getEntity<{ submissionId?: string }>(pk, base, { queryOptions: { select: ['submissionId'] } })).submissionId;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (submissionId) rows.push(rowKeys.submission(submissionId));
    else await range('s|', 's}', ` and caseId eq ${odataString(caseId)}`);
    const s = summaryOf(c);
    rows.push(isOpen(c.status) ? rowKeys.open(s) : rowKeys.closed(s), rowKeys.mine(c.submitter.aadObjectId, s), rowKeys.reference(c.reference));
    await this.deleteRows(pk, [...new Set(rows)]);
    // The case row last: until it goes, a later sweep finds the case and finishes the job.
    await this.deleteRow(this.cases, pk, base);
    await this.clearReview(schoolId, caseId);
  }

  /**
   * Rows of one partition in transactions of up to 100; a transaction refused (a row already gone: a second run
   * after a crash) is done again one row at a time, a missing row being no error.
   */
  private async deleteRows(pk: string, rowKeysToDelete: string[]): Promise<void> {
    for (let i = 0; i < rowKeysToDelete.length; i += 100) {
      const batch = rowKeysToDelete.slice(i, i + 100);
      try {
        await this.cases.submitTransaction(batch.map((rowKey) => ['delete', { partitionKey: pk, rowKey }] as TransactionAction));
      } catch {
        for (const rk of batch) await this.deleteRow(this.cases, pk, rk);
      }
    }
  }

  /** The original and every file derived from it beside it (`<name>.display.webp`, `<name>.thumb.webp`…). */
  private async deleteBlobFamily(name: string): Promise<void> {
    for await (const b of this.evidence.listBlobsFlat({ prefix: name })) {
      if (b.name === name || b.name.startsWith(`${name}.`)) await this.evidence.getBlockBlobClient(b.name).deleteIfExists();
    }
  }

  private async deleteRow(table: TableClient, pk: string, rk: string): Promise<void> {
    try {
      await table.deleteEntity(pk, rk);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  async tombstones(schoolId: string, limit: number): Promise<Tombstone[]> {
    const out = await this.list(schoolId, 't|', (e) => unflat<Tombstone>(e));
    return out.sort((a, b) => b.destroyedAt.localeCompare(a.destroyedAt)).slice(0, limit);
  }

  async markForReview(r: ReviewDue): Promise<void> {
    await this.records.upsertEntity({ partitionKey: escapeKey(r.schoolId), rowKey: `rv|${r.caseId}`, ...flat(r) }, 'Replace');
  }

  async clearReview(schoolId: string, caseId: string): Promise<void> {
    await this.deleteRow(this.records, escapeKey(schoolId), `rv|${caseId}`);
  }

  async reviews(schoolId: string, limit: number): Promise<ReviewDue[]> {
    const out = await this.list(schoolId, 'rv|', (e) => unflat<ReviewDue>(e));
    return out.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).slice(0, limit);
  }

  async review(schoolId: string, caseId: string): Promise<ReviewDue | undefined> {
    try {
      return unflat<ReviewDue>(await this.records.getEntity<Record<string, unknown>>(escapeKey(schoolId), `rv|${caseId}`));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async recordLeaver(l: Leaver): Promise<void> {
    await this.records.upsertEntity({ partitionKey: escapeKey(l.schoolId), rowKey: `l|${escapeKey(l.aadObjectId)}`, ...flat(l) }, 'Replace');
  }

  async leaver(schoolId: string, aad: string): Promise<Leaver | undefined> {
    try {
      return unflat<Leaver>(await this.records.getEntity<Record<string, unknown>>(escapeKey(schoolId), `l|${escapeKey(aad)}`));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async recordExport(x: ExportRecord): Promise<void> {
    try {
      await this.records.createEntity({ partitionKey: escapeKey(x.schoolId), rowKey: `e|${inv(x.at)}|${x.id}`, ...flat(x) });
    } catch (e) {
      if (!isConflict(e)) throw e;
    }
  }

  async exports(schoolId: string, limit: number): Promise<ExportRecord[]> {
    return (await this.list(schoolId, 'e|', (e) => unflat<ExportRecord>(e), limit));
  }

  private async list<T>(schoolId: string, prefix: string, map: (e: Record<string, unknown>) => T, limit = 5000): Promise<T[]> {
    const out: T[] = [];
    const filter = `PartitionKey eq ${odataString(escapeKey(schoolId))} and RowKey ge ${odataString(prefix)} and RowKey lt ${odataString(prefix.slice(0, -1) + '}')}`;
    for await (const e of this.records.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push(map(e));
      if (out.length >= limit) break;
    }
    return out;
  }
}

/** A record as one JSON property (its shape may grow without a migration). */
const flat = (v: object) => ({ json: JSON.stringify(v) });
const unflat = <T>(e: Record<string, unknown>): T => JSON.parse(String(e.json)) as T;
