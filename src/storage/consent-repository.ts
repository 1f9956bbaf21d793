import { randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { CONSENT_PLATFORMS, type ConsentPlatform, type ConsentRecord } from '../domain/consent/consent.js';
import { ConsentConflictError, type ConsentChange, type ConsentHistoryEntry, type ConsentRegister, type ConsentStore } from '../domain/consent/consent-service.js';
import { escapeKey, unescapeKey } from './keys.js';

/**
 * The photo-consent register, in its own table, one partition per school:
 *
 * - `ptr`: which version of the register is current. Every write changes it (with its ETag), so a write
 *   based on an older read is refused.
 * - `v|<version>|p|<pupil id>`: the pupils of one version.
 * - `v|<version>|c|<n>`: the per-pupil changes an import made (its version id is the import's id).
 * - `e|<inverted time>|<random>`: the chronology, newest first; rows are only ever created.
 *
 * An edit is one entity-group transaction (the pupil, the pointer, the chronology row). An import writes
 * a complete new version in transactions of at most 100 rows, none of which is read until the pointer names
 * it; the last transaction switches the pointer (conditional on the ETag read before the import began) and
 * adds the chronology row. So a failure part-way, or an edit meanwhile, leaves the register as it was: the
 * rows already written belong to a version nobody reads.
 */
const MAX_MS = 9_999_999_999_999;
const BATCH = 100;
const POINTER = 'ptr';

type PupilEntity = {
  partitionKey: string;
  rowKey: string;
  pupilId: string;
  name: string;
  classOrYear: string;
  platforms: string;
  consentForNames: boolean;
  doNotPublish: boolean;
  updatedAt: string;
  updatedBy: string;
};

type EntryEntity = {
  partitionKey: string;
  rowKey: string;
  at: string;
  actorAad: string;
  kind: string;
  change?: string;
  importId?: string;
  counts?: string;
};

const versionPrefix = (version: string) => `v|${escapeKey(version)}|`;

export class ConsentRepository implements ConsentStore {
  constructor(private readonly table: TableClient) {}

  async load(schoolId: string): Promise<ConsentRegister> {
    const pk = escapeKey(schoolId);
    const ptr = await this.pointer(pk);
    if (!ptr) return { records: [], revision: '' };
    const records: ConsentRecord[] = [];
    for await (const e of this.range<PupilEntity>(pk, versionPrefix(ptr.version) + 'p|')) records.push(recordOf(schoolId, e));
    return { records, revision: ptr.etag };
  }

  async saveOne(schoolId: string, record: ConsentRecord, entry: ConsentHistoryEntry, revision: string): Promise<void> {
    const pk = escapeKey(schoolId);
    const ptr = await this.pointer(pk);
    if ((ptr?.etag ?? '') !== revision) throw new ConsentConflictError();
    const version = ptr?.version ?? 'initial';
    await this.submit([
      ['upsert', pupilEntity(pk, version, record), 'Replace'],
      pointerAction(pk, version, entry.at, revision),
      ['create', entryEntity(pk, entry)],
    ]);
  }

  async replaceAll(schoolId: string, importId: string, records: ConsentRecord[], changes: ConsentChange[], entry: ConsentHistoryEntry, revision: string): Promise<void> {
    const pk = escapeKey(schoolId);
    const rows: Array<PupilEntity | Record<string, unknown>> = [
      ...records.map((r) => pupilEntity(pk, importId, r)),
      ...changes.map((c, i) => ({ partitionKey: pk, rowKey: `${versionPrefix(importId)}c|${String(i).padStart(6, '0')}`, change: JSON.stringify(c) })),
    ];
    for (let i = 0; i < rows.length; i += BATCH) {
      await this.table.submitTransaction(rows.slice(i, i + BATCH).map((e): TransactionAction => ['upsert', e as PupilEntity, 'Replace']));
    }
    await this.submit([pointerAction(pk, importId, entry.at, revision), ['create', entryEntity(pk, entry)]]);
  }

  async history(schoolId: string, limit: number): Promise<ConsentHistoryEntry[]> {
    const out: ConsentHistoryEntry[] = [];
    for await (const e of this.range<EntryEntity>(escapeKey(schoolId), 'e|')) {
      out.push({
        at: e.at,
        actorAad: e.actorAad,
        kind: e.kind === 'imported' ? 'imported' : 'edited',
        ...(e.change ? { change: JSON.parse(e.change) as ConsentChange } : {}),
        ...(e.importId ? { importId: e.importId } : {}),
        ...(e.counts ? { counts: JSON.parse(e.counts) as ConsentHistoryEntry['counts'] } : {}),
      });
      if (out.length >= limit) break;
    }
    return out;
  }

  async importChanges(schoolId: string, importId: string): Promise<ConsentChange[]> {
    const out: ConsentChange[] = [];
    for await (const e of this.range<{ change: string }>(escapeKey(schoolId), versionPrefix(importId) + 'c|')) out.push(JSON.parse(e.change) as ConsentChange);
    return out;
  }

  private async pointer(pk: string): Promise<{ version: string; etag: string } | undefined> {
    try {
      const e = await this.table.getEntity<{ version: string }>(pk, POINTER);
      return { version: e.version, etag: e.etag };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  private range<T extends object>(pk: string, prefix: string) {
    const end = prefix.slice(0, -1) + '}';
    return this.table.listEntities<T>({ queryOptions: { filter: `PartitionKey eq '${pk.replace(/'/g, "''")}' and RowKey ge '${prefix.replace(/'/g, "''")}' and RowKey lt '${end.replace(/'/g, "''")}'` } });
  }

  private async submit(actions: TransactionAction[]): Promise<void> {
    try {
      await this.table.submitTransaction(actions);
    } catch (e) {
      if (isTransactionConflict(e)) throw new ConsentConflictError();
      throw e;
    }
  }
}

function pointerAction(pk: string, version: string, at: string, revision: string): TransactionAction {
  const entity = { partitionKey: pk, rowKey: POINTER, version, changedAt: at };
  return revision ? ['update', entity, 'Replace', { etag: revision }] : ['create', entity];
}

function pupilEntity(pk: string, version: string, r: ConsentRecord): PupilEntity {
  return {
    partitionKey: pk,
    rowKey: `${versionPrefix(version)}p|${escapeKey(r.pupilId)}`,
    pupilId: r.pupilId,
    name: r.name,
    classOrYear: r.classOrYear,
    platforms: r.platforms.join(','),
    consentForNames: r.consentForNames,
    doNotPublish: r.doNotPublish,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

function recordOf(schoolId: string, e: PupilEntity): ConsentRecord {
  const platforms = String(e.platforms || '').split(',').filter((p): p is ConsentPlatform => (CONSENT_PLATFORMS as string[]).includes(p));
  return {
    schoolId,
    pupilId: e.pupilId || unescapeKey(e.rowKey.split('|').pop() ?? ''),
    name: e.name,
    classOrYear: e.classOrYear,
    platforms,
    consentForNames: e.consentForNames === true,
    doNotPublish: e.doNotPublish === true,
    updatedAt: e.updatedAt,
    updatedBy: e.updatedBy,
  };
}

function entryEntity(pk: string, entry: ConsentHistoryEntry): EntryEntity {
  return {
    partitionKey: pk,
    rowKey: `e|${String(MAX_MS - Date.parse(entry.at)).padStart(13, '0')}|${randomBytes(4).toString('hex')}`,
    at: entry.at,
    actorAad: entry.actorAad,
    kind: entry.kind,
    ...(entry.change ? { change: JSON.stringify(entry.change) } : {}),
    ...(entry.importId ? { importId: entry.importId } : {}),
    ...(entry.counts ? { counts: JSON.stringify(entry.counts) } : {}),
  };
}

function isTransactionConflict(e: unknown): boolean {
  const err = e as { code?: string; statusCode?: number; response?: { status?: number } };
  return err?.code === 'EntityAlreadyExists' || err?.code === 'UpdateConditionNotSatisfied' || err?.statusCode === 409 || err?.statusCode === 412 || err?.response?.status === 409 || err?.response?.status === 412;
}
