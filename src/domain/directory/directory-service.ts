import type { Member, Role, School } from './directory.js';

export interface DirectoryStore {
  listSchools(): Promise<School[]>;
  getSchool(id: string): Promise<School | undefined>;
  getMember(schoolId: string, aad: string): Promise<Member | undefined>;
  listMembers(schoolId: string): Promise<Member[]>;
  schoolsOf(aad: string): Promise<string[]>;
  saveMember(m: Member): Promise<void>;
  /** Remove a member who left (their row and their membership row). */
  removeMember?(schoolId: string, aad: string): Promise<void>;
}

export type Resolution =
  | { kind: 'member'; school: School; member: Member }
  /** Not in the directory: the schools of their tenant they could join, once admitted (src/domain/directory/enrolment.ts). */
  | { kind: 'newcomer'; schools: School[] }
  | { kind: 'noSchool' };

/**
 * How many members the cached member lists may hold, all schools together. A member with its search text
 * costs about 600 bytes of heap (measured: 75,000 members, list, lookup map and search index, 45 MB), so
 * 20,000 is about 12 MB: 3% of the server's 384 MB heap (SERVER_NODE_FLAGS), which must also carry the
 * turns of a surge inside the 300 MB resident target on the smallest App Service plan. It holds every
 * school of an ordinary deployment, and the 13 busiest 1,500-staff schools of a trust; a school not in it
 * costs one partition query when it is next needed (a report's routing, a people search, the tab's lists).
 * Who is speaking never needs a list: that is two point-sized reads, cached per person.
 */
export const MEMBER_LIST_BUDGET = 20_000;
/** People looked up one at a time (who is speaking, an approver acting on a card), kept per person. */
const PERSON_CACHE_ENTRIES = 10_000;

interface SchoolList {
  at: number;
  members: Member[];
  byAad: Map<string, Member>;
  /** The staff, by name, each with the lower-cased text a people search matches. */
  staff: Array<{ member: Member; text: string }>;
}

/** A map that forgets its oldest entries past `max` (Map keeps insertion order; a hit is moved to the end). */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  clear(): void {
    this.map.clear();
  }
}

const searchText = (m: Member) => `${m.name}\u0000${m.jobTitle ?? ''}\u0000${m.email ?? ''}`.toLowerCase();

/**
 * Reads the directory with a short in-process cache: it is read on every turn, and a conversation step
 * must cost no more than its state read and write. Role changes are visible within `ttlMs` everywhere,
 * immediately on the instance that made them. The cache is bounded (MEMBER_LIST_BUDGET), so a trust of 50
 * schools of 1,500 staff does not keep 75,000 people in every process.
 */
export class DirectoryService {
  private schoolList?: { at: number; value: School[] };
  private readonly lists = new Map<string, SchoolList>();
  private listed = 0;
  private readonly loading = new Map<string, Promise<SchoolList>>();
  private readonly people = new Lru<{ at: number; value: Member | undefined }>(PERSON_CACHE_ENTRIES);
  private readonly schoolsOfPerson = new Lru<{ at: number; value: string[] }>(PERSON_CACHE_ENTRIES);

  constructor(
    private readonly store: DirectoryStore,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 30_000,
    private readonly memberBudget = MEMBER_LIST_BUDGET,
  ) {}

  private fresh(at: number): boolean {
    return this.now() - at < this.ttlMs;
  }

  async schools(): Promise<School[]> {
    if (this.schoolList && this.fresh(this.schoolList.at)) return this.schoolList.value;
    const value = await this.store.listSchools();
    this.schoolList = { at: this.now(), value };
    return value;
  }

  async school(id: string): Promise<School | undefined> {
    return (await this.schools()).find((s) => s.id === id);
  }

  /** The tenants this deployment serves: those of its schools. */
  async tenants(): Promise<Set<string>> {
    return new Set((await this.schools()).map((s) => s.tenantId).filter((t): t is string => !!t));
  }

  /** A school's member list, cached within the budget (least recently used schools go first); one load at a time per school. */
  private async list(schoolId: string): Promise<SchoolList> {
    const hit = this.lists.get(schoolId);
    if (hit && this.fresh(hit.at)) {
      this.lists.delete(schoolId);
      this.lists.set(schoolId, hit);
      return hit;
    }
    let p = this.loading.get(schoolId);
    if (!p) {
      p = this.store.listMembers(schoolId).then((members) => this.keep(schoolId, members));
      this.loading.set(schoolId, p);
      p.finally(() => this.loading.delete(schoolId)).catch(() => undefined);
    }
    return p;
  }

  private keep(schoolId: string, members: Member[]): SchoolList {
    const staff = members
      .filter((m) => m.roles.includes('staff'))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((member) => ({ member, text: searchText(member) }));
    const entry: SchoolList = { at: this.now(), members, byAad: new Map(members.map((m) => [m.aadObjectId, m])), staff };
    this.drop(schoolId);
    this.lists.set(schoolId, entry);
    this.listed += members.length;
    // The newest list is kept even when it alone is over the budget: it is the one being used.
    for (const [id, l] of this.lists) {
      if (this.listed <= this.memberBudget || id === schoolId) break;
      this.drop(id);
    }
    return entry;
  }

  private drop(schoolId: string): void {
    const l = this.lists.get(schoolId);
    if (!l) return;
    this.lists.delete(schoolId);
    this.listed -= l.members.length;
  }

  /** How many members the cached lists hold now (for tests and the bench). */
  get cachedMembers(): number {
    return this.listed;
  }

  async members(schoolId: string): Promise<Member[]> {
    return (await this.list(schoolId)).members;
  }

  /** One person of a school: from the school's list when it is cached, else a point read (cached per person). */
  async member(schoolId: string, aad: string): Promise<Member | undefined> {
    const l = this.lists.get(schoolId);
    if (l && this.fresh(l.at)) return l.byAad.get(aad);
    const key = `${schoolId}|${aad}`;
    const hit = this.people.get(key);
    if (hit && this.fresh(hit.at)) return hit.value;
    const value = await this.store.getMember(schoolId, aad);
    this.people.set(key, { at: this.now(), value });
    return value;
  }

  /** The schools a person is in, with their membership of each (the tab's school switcher). */
  async memberships(aad: string): Promise<Array<{ school: School; member: Member }>> {
    const [schools, ids] = await Promise.all([this.schools(), this.schoolIdsOf(aad)]);
    const out: Array<{ school: School; member: Member }> = [];
    for (const school of schools) {
      if (!ids.includes(school.id)) continue;
      const member = await this.member(school.id, aad);
      if (member) out.push({ school, member });
    }
    return out;
  }

  async withRole(schoolId: string, ...roles: Role[]): Promise<Member[]> {
    return (await this.members(schoolId)).filter((m) => m.roles.some((r) => roles.includes(r)));
  }

  /**
   * The school's staff whose name, job title or email contains `text` (case-insensitive), by name, one page.
   * Searches the cached list (about 0.1 ms for 1,500 staff): no storage request per keystroke, and no wait
   * for a reload once the school's list has been read.
   */
  async searchStaff(schoolId: string, text: string, page: { skip: number; top: number }): Promise<Member[]> {
    const needle = text.trim().toLowerCase();
    const out: Member[] = [];
    let skipped = 0;
    // A list past its 30 s is still good for suggesting names: search it, and reload it behind the answer.
    const held = this.lists.get(schoolId);
    if (held && !this.fresh(held.at)) this.list(schoolId).catch(() => undefined);
    for (const s of (held ?? (await this.list(schoolId))).staff) {
      if (needle && !s.text.includes(needle)) continue;
      if (skipped++ < page.skip) continue;
      out.push(s.member);
      if (out.length >= page.top) break;
    }
    return out;
  }

  private async schoolIdsOf(aad: string): Promise<string[]> {
    const hit = this.schoolsOfPerson.get(aad);
    if (hit && this.fresh(hit.at)) return hit.value;
    const value = await this.store.schoolsOf(aad);
    this.schoolsOfPerson.set(aad, { at: this.now(), value });
    return value;
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
    if (fresh) this.schoolsOfPerson.delete(aad);
    const mine = (await this.schoolIdsOf(aad)).filter((id) => schools.some((s) => s.id === id));
    const pick = (preferredSchoolId && mine.includes(preferredSchoolId) ? preferredSchoolId : undefined) ?? mine[0];
    const school = pick ? schools.find((s) => s.id === pick) : undefined;
    if (!school) return undefined;
    if (!fresh) {
      const member = await this.member(school.id, aad);
      return member ? { school, member } : undefined;
    }
    const member = await this.store.getMember(school.id, aad);
    if (member) {
      // The cached list and lookup predate this person: read them afresh next time.
      this.drop(school.id);
      this.people.set(`${school.id}|${aad}`, { at: this.now(), value: member });
    }
    return member ? { school, member } : undefined;
  }

  /** One person as stored now, past the cache: for a change that reads a member, then writes them back. */
  storedMember(schoolId: string, aad: string): Promise<Member | undefined> {
    return this.store.getMember(schoolId, aad);
  }

  /**
   * Every write of a member goes through here (a role change, a new member, an enrolment), and drops the
   * whole cache: this instance sees the change at once, and any change made straight to storage before it
   * (another instance's) with it; other instances see it within `ttlMs`. Nobody else clears the cache.
   */
  async saveMember(m: Member): Promise<void> {
    await this.store.saveMember(m);
    this.invalidate();
  }

  /** A member left: removed from the school's directory (src/domain/records/leavers.ts does the rest). Drops the cache as `saveMember` does. */
  async removeMember(schoolId: string, aad: string): Promise<void> {
    if (!this.store.removeMember) throw new Error('this directory store cannot remove members');
    await this.store.removeMember(schoolId, aad);
    this.invalidate();
  }

  private invalidate(): void {
    this.schoolList = undefined;
    this.lists.clear();
    this.listed = 0;
    this.people.clear();
    this.schoolsOfPerson.clear();
  }

  /** Add a person to a school as staff (the default role of any adult working in school). */
  async enrol(schoolId: string, aad: string, name: string): Promise<Member> {
    const existing = await this.store.getMember(schoolId, aad);
    if (existing) return existing;
    const member: Member = { schoolId, aadObjectId: aad, name: name || 'Member of staff', roles: ['staff'] };
    await this.saveMember(member);
    this.joined(member);
    return member;
  }

  private readonly joinListeners: Array<(m: Member) => Promise<unknown>> = [];

  /** Run `listener` (in the background) whenever someone joins a school's directory. */
  onJoin(listener: (m: Member) => Promise<unknown>): void {
    this.joinListeners.push(listener);
  }

  /** Someone new was added to a school (enrolled, or added in Settings): tell the listeners. Never throws. */
  joined(m: Member): void {
    for (const l of this.joinListeners) l(m).catch(() => undefined);
  }
}
