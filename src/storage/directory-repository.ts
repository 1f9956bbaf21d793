import type { TableClient } from '@azure/data-tables';
import { escapeKey } from './keys.js';
import { isNotFound, isConflict } from './clients.js';
import { ROLES, type DirectorySeed, type Member, type Role, type School } from '../domain/directory/directory.js';

/**
 * Directory rows. Partition per school: `school` row and `m|<aad>` member rows, so listing a school's
 * DSLs is one partition query. Partition `u|<aad>` holds one row per school the person belongs to, so
 * "which school is this person in" is one query.
 */
const SCHOOL_ROW = 'school';
const memberRow = (aad: string) => `m|${escapeKey(aad)}`;
const userPartition = (aad: string) => `u|${escapeKey(aad)}`;

interface SchoolEntity {
  id: string;
  name: string;
  referencePrefix: string;
  headTitle: string;
  tenantId?: string;
  /** Comma-separated (a Table property holds no lists). */
  staffEmailDomains?: string;
}

interface MemberEntity {
  partitionKey: string;
  rowKey: string;
  aadObjectId: string;
  name: string;
  email?: string;
  jobTitle?: string;
  roles: string;
  lineManager?: string;
}

export class DirectoryRepository {
  constructor(private readonly table: TableClient) {}

  async listSchools(): Promise<School[]> {
    const out: School[] = [];
    for await (const e of this.table.listEntities<SchoolEntity>({
      queryOptions: { filter: `RowKey eq '${SCHOOL_ROW}'` },
    })) {
      out.push(toSchool(e));
    }
    return out;
  }

  async getSchool(id: string): Promise<School | undefined> {
    try {
      return toSchool(await this.table.getEntity<SchoolEntity>(escapeKey(id), SCHOOL_ROW));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async saveSchool(s: School): Promise<void> {
    await this.table.upsertEntity(schoolEntity(s), 'Replace');
  }

  /**
   * A directory seeded before schools carried their tenant gets it from the seed, once: without it the bot
   * would serve nobody. A tenant already in the directory is never changed here.
   */
  async adoptSeedTenants(seed: DirectorySeed): Promise<number> {
    let adopted = 0;
    for (const school of await this.listSchools()) {
      const fromSeed = seed.schools.find((s) => s.id === school.id);
      const tenantId = fromSeed?.tenantId ?? seed.tenantId;
      if (school.tenantId || !fromSeed || !tenantId) continue;
      await this.saveSchool({ ...school, tenantId, staffEmailDomains: school.staffEmailDomains ?? fromSeed.staffEmailDomains });
      adopted++;
    }
    return adopted;
  }

  async getMember(schoolId: string, aad: string): Promise<Member | undefined> {
    try {
      return toMember(schoolId, await this.table.getEntity<MemberEntity>(escapeKey(schoolId), memberRow(aad)));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async listMembers(schoolId: string): Promise<Member[]> {
    const out: Member[] = [];
    const pk = escapeKey(schoolId).replace(/'/g, "''");
    for await (const e of this.table.listEntities<MemberEntity>({
      queryOptions: { filter: `PartitionKey eq '${pk}' and RowKey ge 'm|' and RowKey lt 'm}'` },
    })) {
      out.push(toMember(schoolId, e));
    }
    return out;
  }

  /** The schools a person belongs to. */
  async schoolsOf(aad: string): Promise<string[]> {
    const out: string[] = [];
    const pk = userPartition(aad).replace(/'/g, "''");
    for await (const e of this.table.listEntities<{ schoolId: string }>({ queryOptions: { filter: `PartitionKey eq '${pk}'` } })) {
      out.push(e.schoolId);
    }
    return out;
  }

  async saveMember(m: Member): Promise<void> {
    await this.table.upsertEntity(memberEntity(m), 'Replace');
    await this.table.upsertEntity(membershipEntity(m), 'Replace');
  }

  async removeMember(schoolId: string, aad: string): Promise<void> {
    for (const [pk, rk] of [[escapeKey(schoolId), memberRow(aad)], [userPartition(aad), escapeKey(schoolId)]]) {
      try {
        await this.table.deleteEntity(pk, rk);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** Write the seed when the directory has no school yet. Safe when two instances start at once. */
  async seedIfEmpty(seed: DirectorySeed): Promise<boolean> {
    if ((await this.listSchools()).length > 0) return false;
    try {
      await this.table.createEntity({ partitionKey: '_meta', rowKey: 'seeded', at: new Date().toISOString() });
    } catch (e) {
      if (isConflict(e)) return false;
      throw e;
    }
    for (const s of seed.schools) {
      await this.saveSchool({
        id: s.id,
        name: s.name,
        referencePrefix: s.referencePrefix,
        headTitle: s.headTitle || 'Headteacher',
        tenantId: s.tenantId ?? seed.tenantId,
        staffEmailDomains: s.staffEmailDomains,
      });
      for (const m of s.members) await this.saveMember({ ...m, schoolId: s.id, roles: m.roles?.length ? m.roles : ['staff'] });
    }
    return true;
  }
}

function toSchool(e: SchoolEntity): School {
  const domains = String(e.staffEmailDomains ?? '').split(',').filter(Boolean);
  return {
    id: e.id,
    name: e.name,
    referencePrefix: e.referencePrefix,
    headTitle: e.headTitle,
    ...(e.tenantId ? { tenantId: e.tenantId } : {}),
    ...(domains.length ? { staffEmailDomains: domains } : {}),
  };
}

/** A member's row in their school's partition (also used to load a large directory in batches). */
export function memberEntity(m: Member): MemberEntity {
  return {
    partitionKey: escapeKey(m.schoolId),
    rowKey: memberRow(m.aadObjectId),
    aadObjectId: m.aadObjectId,
    name: m.name,
    email: m.email,
    jobTitle: m.jobTitle,
    roles: m.roles.join(','),
    lineManager: m.lineManager,
  };
}

/** The row saying which school a person is in, in the person's own partition. */
export function membershipEntity(m: Pick<Member, 'schoolId' | 'aadObjectId'>) {
  return { partitionKey: userPartition(m.aadObjectId), rowKey: escapeKey(m.schoolId), schoolId: m.schoolId };
}

/** A school's own row. */
export function schoolEntity(s: School) {
  const { staffEmailDomains, ...rest } = s;
  const entity: SchoolEntity = { ...rest, staffEmailDomains: staffEmailDomains?.length ? staffEmailDomains.map((d) => d.toLowerCase()).join(',') : undefined };
  return { partitionKey: escapeKey(s.id), rowKey: SCHOOL_ROW, ...entity };
}

function toMember(schoolId: string, e: MemberEntity): Member {
  return {
    schoolId,
    aadObjectId: e.aadObjectId,
    name: e.name,
    email: e.email,
    jobTitle: e.jobTitle,
    roles: String(e.roles || '')
      .split(',')
      .filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    lineManager: e.lineManager,
  };
}
