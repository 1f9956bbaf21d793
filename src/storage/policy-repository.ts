import { randomBytes } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { PolicyProfile } from '../domain/policy/profile.js';
import { PolicyConflictError, type CurrentSetBy, type CurrentVersion, type PolicyChange, type PolicyStore, type PolicyVersionInfo } from '../domain/policy/policy-store.js';
import { isConflict, isNotFound } from './clients.js';
import { escapeKey, odataString } from './keys.js';

/**
 * Each school's policy profiles, in the `policies` table, one partition per school:
 *   `v|<version>`   a version's JSON (split across d0…dN: a property holds at most 32K UTF-16 units), its notes
 *                   and when it was added; created once, never updated or deleted
 *   `current`       which version is current, who made it so (the file at a start, or an administrator), when
 *   `h|<inverted time>|<random>`  the trail of current-version changes: created only, newest first
 * A change of `current` and its trail row are one entity-group transaction, with the ETag read before.
 */
const MAX_MS = 9_999_999_999_999;
const CHUNK = 30_000;
const CURRENT = 'current';
const versionKey = (v: number) => `v|${String(v).padStart(6, '0')}`;

interface VersionEntity {
  partitionKey: string;
  rowKey: string;
  version: number;
  notes: string;
  addedAt: string;
  parts: number;
  [d: `d${number}`]: string;
}

type CurrentEntity = {
  partitionKey: string;
  rowKey: string;
  version: number;
  setBy: string;
  at: string;
};

type ChangeEntity = {
  partitionKey: string;
  rowKey: string;
  at: string;
  actorAad: string;
  from: number;
  to: number;
};

export class PolicyRepository implements PolicyStore {
  constructor(private readonly table: TableClient) {}

  async current(schoolId: string): Promise<CurrentVersion | undefined> {
    try {
      const e = await this.table.getEntity<CurrentEntity>(escapeKey(schoolId), CURRENT);
      return { version: e.version, setBy: e.setBy === 'administrator' ? 'administrator' : 'file', at: e.at, etag: e.etag };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async version(schoolId: string, version: number): Promise<PolicyProfile | undefined> {
    try {
      const e = await this.table.getEntity<VersionEntity>(escapeKey(schoolId), versionKey(version));
      let text = '';
      for (let i = 0; i < e.parts; i++) text += e[`d${i}`] ?? '';
      return JSON.parse(text) as PolicyProfile;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async versions(schoolId: string): Promise<PolicyVersionInfo[]> {
    const out: PolicyVersionInfo[] = [];
    const rows = this.table.listEntities<Pick<VersionEntity, 'version' | 'notes' | 'addedAt'>>({
      queryOptions: { filter: `PartitionKey eq ${odataString(escapeKey(schoolId))} and RowKey ge 'v|' and RowKey lt 'v}'`, select: ['version', 'notes', 'addedAt'] },
    });
    for await (const e of rows) out.push({ version: e.version, notes: parseNotes(e.notes), addedAt: e.addedAt });
    return out.sort((a, b) => b.version - a.version);
  }

  async addVersion(profile: PolicyProfile, at: string): Promise<boolean> {
    const text = JSON.stringify(profile);
    const entity: VersionEntity = {
      partitionKey: escapeKey(profile.id),
      rowKey: versionKey(profile.version),
      version: profile.version,
      // The list of versions shows the notes without reading each version whole; the profile keeps them in full.
      notes: JSON.stringify(profile.versionNotes.slice(0, 20).map((n) => (n.length > 1000 ? `${n.slice(0, 999)}…` : n))),
      addedAt: at,
      parts: Math.ceil(text.length / CHUNK),
    };
    for (let i = 0; i < entity.parts; i++) entity[`d${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
    try {
      await this.table.createEntity(entity);
      return true;
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
  }

  async setCurrent(change: PolicyChange, setBy: CurrentSetBy, expected: CurrentVersion | undefined): Promise<void> {
    const pk = escapeKey(change.schoolId);
    const current: CurrentEntity = { partitionKey: pk, rowKey: CURRENT, version: change.to, setBy, at: change.at };
    const trail: ChangeEntity = {
      partitionKey: pk,
      rowKey: `h|${String(MAX_MS - Date.parse(change.at)).padStart(13, '0')}|${randomBytes(4).toString('hex')}`,
      at: change.at,
      actorAad: change.actorAad ?? '',
      from: change.from ?? 0,
      to: change.to,
    };
    const actions: TransactionAction[] = [
      expected?.etag ? ['update', current, 'Replace', { etag: expected.etag }] : ['create', current],
      ['create', trail],
    ];
    try {
      await this.table.submitTransaction(actions);
    } catch (e) {
      if (isConflict(e) || isTransactionConflict(e)) throw new PolicyConflictError('the current version changed');
      throw e;
    }
  }

  async changes(schoolId: string, limit: number): Promise<PolicyChange[]> {
    const out: PolicyChange[] = [];
    const rows = this.table.listEntities<ChangeEntity>({ queryOptions: { filter: `PartitionKey eq ${odataString(escapeKey(schoolId))} and RowKey ge 'h|' and RowKey lt 'h}'` } });
    for await (const e of rows) {
      out.push({ schoolId, at: e.at, actorAad: e.actorAad || null, from: e.from || null, to: e.to });
      if (out.length >= limit) break;
    }
    return out;
  }
}

function parseNotes(s: string): string[] {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

function isTransactionConflict(e: unknown): boolean {
  const err = e as { code?: string; response?: { status?: number } };
  return err?.code === 'EntityAlreadyExists' || err?.code === 'UpdateConditionNotSatisfied' || err?.response?.status === 409 || err?.response?.status === 412;
}
