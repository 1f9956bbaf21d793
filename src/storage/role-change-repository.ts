import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { ROLES, type Role } from '../domain/directory/directory.js';
import type { RoleChange, RoleChangeStore } from '../domain/directory/role-changes.js';
import { escapeKey, odataString } from './keys.js';

/**
 * The role-change trail, in its own table. Partition per school; row key `<inverted time>|<random>`, so a
 * school's trail is one range query, newest first. Rows are only ever created (`createEntity`, which never
 * overwrites): there is no update or delete here, and no route that could call one.
 */
const MAX_MS = 9_999_999_999_999;

interface RoleChangeEntity {
  partitionKey: string;
  rowKey: string;
  at: string;
  actorAad: string;
  memberAad: string;
  kind: string;
  before: string;
  after: string;
}

const rolesFrom = (s: string): Role[] => String(s || '').split(',').filter((r): r is Role => (ROLES as readonly string[]).includes(r));

export class RoleChangeRepository implements RoleChangeStore {
  constructor(private readonly table: TableClient) {}

  async record(c: RoleChange): Promise<void> {
    const entity: RoleChangeEntity = {
      partitionKey: escapeKey(c.schoolId),
      rowKey: `${String(MAX_MS - Date.parse(c.at)).padStart(13, '0')}|${randomBytes(4).toString('hex')}`,
      at: c.at,
      actorAad: c.actorAad,
      memberAad: c.memberAad,
      kind: c.kind,
      before: c.before.join(','),
      after: c.after.join(','),
    };
    await this.table.createEntity(entity);
  }

  async list(schoolId: string, limit: number): Promise<RoleChange[]> {
    const out: RoleChange[] = [];
    const entities = this.table.listEntities<RoleChangeEntity>({ queryOptions: { filter: `PartitionKey eq ${odataString(escapeKey(schoolId))}` } });
    for await (const e of entities) {
      out.push({ schoolId, at: e.at, actorAad: e.actorAad, memberAad: e.memberAad, kind: e.kind === 'added' || e.kind === 'removed' ? e.kind : 'changed', before: rolesFrom(e.before), after: rolesFrom(e.after) });
      if (out.length >= limit) break;
    }
    return out;
  }
}
