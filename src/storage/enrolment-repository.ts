import type { TableClient } from '@azure/data-tables';
import { escapeKey } from './keys.js';
import { isConflict, isNotFound } from './clients.js';
import type { EnrolmentRequest, EnrolmentStore } from '../domain/directory/enrolment.js';

/**
 * Enrolment requests, in the directory table beside the members they may become. Two rows per request:
 * `p|<aad>` in the school's partition (what its administrators list) and `request` in the person's own
 * partition `e|<aad>` (what the bot reads at their next message, without knowing the school). The person's
 * row is written first and only if absent, so a person holds one request at a time.
 */
const REQUEST_ROW = 'request';
const pendingRow = (aad: string) => `p|${escapeKey(aad)}`;
const personPartition = (aad: string) => `e|${escapeKey(aad)}`;

interface RequestEntity {
  partitionKey: string;
  rowKey: string;
  schoolId: string;
  aadObjectId: string;
  name: string;
  email?: string;
  requestedAt: string;
  state: 'pending' | 'refused';
}

export class EnrolmentRepository implements EnrolmentStore {
  constructor(private readonly table: TableClient) {}

  async requestOf(aad: string): Promise<EnrolmentRequest | undefined> {
    return this.read(personPartition(aad), REQUEST_ROW);
  }

  async pendingAt(schoolId: string, aad: string): Promise<EnrolmentRequest | undefined> {
    return this.read(escapeKey(schoolId), pendingRow(aad));
  }

  async listPending(schoolId: string): Promise<EnrolmentRequest[]> {
    const out: EnrolmentRequest[] = [];
    const pk = escapeKey(schoolId).replace(/'/g, "''");
    for await (const e of this.table.listEntities<RequestEntity>({
      queryOptions: { filter: `PartitionKey eq '${pk}' and RowKey ge 'p|' and RowKey lt 'p}'` },
    })) {
      out.push(toRequest(e));
    }
    return out.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  }

  async create(r: EnrolmentRequest): Promise<boolean> {
    try {
      await this.table.createEntity(entity(personPartition(r.aadObjectId), REQUEST_ROW, r));
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
    await this.table.upsertEntity(entity(escapeKey(r.schoolId), pendingRow(r.aadObjectId), r), 'Replace');
    return true;
  }

  async markRefused(r: EnrolmentRequest): Promise<void> {
    await this.table.upsertEntity(entity(personPartition(r.aadObjectId), REQUEST_ROW, { ...r, state: 'refused' }), 'Replace');
    await this.deleteQuietly(escapeKey(r.schoolId), pendingRow(r.aadObjectId));
  }

  async remove(r: EnrolmentRequest): Promise<void> {
    await this.deleteQuietly(escapeKey(r.schoolId), pendingRow(r.aadObjectId));
    await this.deleteQuietly(personPartition(r.aadObjectId), REQUEST_ROW);
  }

  private async read(pk: string, rk: string): Promise<EnrolmentRequest | undefined> {
    try {
      return toRequest(await this.table.getEntity<RequestEntity>(pk, rk));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  private async deleteQuietly(pk: string, rk: string): Promise<void> {
    try {
      await this.table.deleteEntity(pk, rk);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

function entity(partitionKey: string, rowKey: string, r: EnrolmentRequest): RequestEntity {
  return { partitionKey, rowKey, schoolId: r.schoolId, aadObjectId: r.aadObjectId, name: r.name, email: r.email, requestedAt: r.requestedAt, state: r.state };
}

function toRequest(e: RequestEntity): EnrolmentRequest {
  return {
    schoolId: e.schoolId,
    aadObjectId: e.aadObjectId,
    name: e.name,
    ...(e.email ? { email: e.email } : {}),
    requestedAt: e.requestedAt,
    state: e.state === 'refused' ? 'refused' : 'pending',
  };
}
