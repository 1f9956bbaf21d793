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
  | { kind: 'chooseSchool'; schools: School[] }
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

  /**
   * Which school a person acts for. A single-school deployment enrols any new member of staff at once; a
   * trust's deployment asks a new person once (`chooseSchool`), then remembers (`enrol`).
   */
  async resolve(aad: string, name: string, preferredSchoolId?: string): Promise<Resolution> {
    const schools = await this.schools();
    if (schools.length === 0) return { kind: 'noSchool' };
    const mine = await this.cached(`of|${aad}`, () => this.store.schoolsOf(aad));
    const pick = (preferredSchoolId && mine.includes(preferredSchoolId) ? preferredSchoolId : undefined) ?? mine[0];
    if (pick) {
      const school = schools.find((s) => s.id === pick);
      const member = school && (await this.member(school.id, aad));
      if (school && member) return { kind: 'member', school, member };
    }
    if (schools.length === 1) return { kind: 'member', school: schools[0], member: await this.enrol(schools[0].id, aad, name) };
    return { kind: 'chooseSchool', schools };
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
