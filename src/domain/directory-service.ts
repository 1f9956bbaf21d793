import type { Member, Role, School } from './directory.js';

export interface DirectoryStore {
  listSchools(): Promise<School[]>;
  getSchool(id: string): Promise<School | undefined>;
  getMember(schoolId: string, aad: string): Promise<Member | undefined>;
  listMembers(schoolId: string): Promise<Member[]>;
  schoolsOf(aad: string): Promise<string[]>;
  saveMember(m: Member): Promise<void>;
}

export type Resolution =
  | { kind: 'member'; school: School; member: Member }
  /** Not in the directory: the schools of their tenant they could join, once admitted (src/domain/enrolment.ts). */
  | { kind: 'newcomer'; schools: School[] }
  | { kind: 'noSchool' };

/**
 * Reads the directory with a short in-process cache: the directory is small and read on every turn, and
 * a conversation step must cost no more than its state read and write. Role changes are visible within
 * `ttlMs` everywhere, immediately on the instance that made them.
 */
export class DirectoryService {
  private cache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly store: DirectoryStore,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 30_000,
  ) {}

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value as T;
    const value = await load();
    this.cache.set(key, { at: this.now(), value });
    return value;
  }

  invalidate(): void {
    this.cache.clear();
  }

  schools(): Promise<School[]> {
    return this.cached('schools', () => this.store.listSchools());
  }

  async school(id: string): Promise<School | undefined> {
    return (await this.schools()).find((s) => s.id === id);
  }

  members(schoolId: string): Promise<Member[]> {
    return this.cached(`members|${schoolId}`, () => this.store.listMembers(schoolId));
  }

  async member(schoolId: string, aad: string): Promise<Member | undefined> {
    return (await this.members(schoolId)).find((m) => m.aadObjectId === aad);
  }

  async withRole(schoolId: string, ...roles: Role[]): Promise<Member[]> {
    return (await this.members(schoolId)).filter((m) => m.roles.some((r) => roles.includes(r)));
  }

  /** The tenants this deployment serves: those of its schools. */
  async tenants(): Promise<Set<string>> {
    return new Set((await this.schools()).map((s) => s.tenantId).filter((t): t is string => !!t));
  }

  /**
   * Which school a person acts for, among the schools of the tenant they came from. Someone in none of
   * them is a `newcomer`; whether and where they may join is the enrolment rules' call, not this one's.
   */
  async resolve(aad: string, opts: { tenantId: string; preferredSchoolId?: string }): Promise<Resolution> {
    const schools = (await this.schools()).filter((s) => s.tenantId === opts.tenantId);
    if (schools.length === 0) return { kind: 'noSchool' };
    // Someone the cache does not know is read again from storage: they may have been enrolled a moment ago
    // through another instance (an administrator's confirmation in the tab), and must not be asked again.
    const found = (await this.membershipIn(schools, aad, opts.preferredSchoolId, false)) ?? (await this.membershipIn(schools, aad, opts.preferredSchoolId, true));
    return found ? { kind: 'member', ...found } : { kind: 'newcomer', schools };
  }

  private async membershipIn(schools: School[], aad: string, preferredSchoolId: string | undefined, fresh: boolean): Promise<{ school: School; member: Member } | undefined> {
    if (fresh) this.cache.delete(`of|${aad}`);
    const mine = (await this.cached(`of|${aad}`, () => this.store.schoolsOf(aad))).filter((id) => schools.some((s) => s.id === id));
    const pick = (preferredSchoolId && mine.includes(preferredSchoolId) ? preferredSchoolId : undefined) ?? mine[0];
    const school = pick ? schools.find((s) => s.id === pick) : undefined;
    if (!school) return undefined;
    const member = fresh ? await this.store.getMember(school.id, aad) : await this.member(school.id, aad);
    if (fresh && member) this.cache.delete(`members|${school.id}`);
    return member ? { school, member } : undefined;
  }

  /** Add a person to a school as staff (the default role of any adult working in school). */
  async enrol(schoolId: string, aad: string, name: string): Promise<Member> {
    const existing = await this.store.getMember(schoolId, aad);
    if (existing) return existing;
    const member: Member = { schoolId, aadObjectId: aad, name: name || 'Member of staff', roles: ['staff'] };
    await this.store.saveMember(member);
    this.cache.delete(`of|${aad}`);
    this.cache.delete(`members|${schoolId}`);
    return member;
  }
}
