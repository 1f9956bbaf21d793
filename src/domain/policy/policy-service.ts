import { isAdmin, isChair, isDsl, isHead, type Member, type School } from '../directory/directory.js';
import type { PolicyProfile, StatutoryBaseline } from './profile.js';
import { PolicyConflictError, type CurrentVersion, type PolicyChange, type PolicyStore, type PolicyVersionInfo } from './policy-store.js';
import { SchoolPolicy } from './school-policy.js';

/** A switch of the current version that is not allowed or not possible, with a sentence for the administrator. */
export class PolicySwitchRefusedError extends Error {
  readonly code = 'POLICY_SWITCH_REFUSED';
}

/** Only an administrator changes which version of the school's policy the app works to. */
export const canSwitchPolicy = (m: Pick<Member, 'roles'>): boolean => isAdmin(m);

/** Who reads the policy as the app applies it, its versions and their trail: administrators, the head, the chair and the DSLs. */
export const canSeePolicy = (m: Pick<Member, 'roles'>): boolean => isAdmin(m) || isHead(m) || isChair(m) || isDsl(m);

interface Held {
  at: number;
  profile: PolicyProfile | undefined;
  current: CurrentVersion | undefined;
}

const isStore = (s: PolicyStore | ReadonlyMap<string, PolicyProfile>): s is PolicyStore => typeof (s as PolicyStore).setCurrent === 'function';

/**
 * Each school's policy, by school id: the current version of the profile stored with the school (or none: a
 * silent profile) over the statutory baseline. The current version is read through the `PolicyStore` port and
 * kept for `ttlMs`, like the directory: a switch made through another instance takes effect within that time,
 * at once on the instance that made it. `of(school)` answers from what is held (a stale entry is read again
 * behind the answer), so call `load` at start. Built from a plain map of profiles instead (tests), nothing is
 * stored and nothing can be switched.
 */
export class PolicyService {
  private readonly bySchool = new Map<string, SchoolPolicy>();
  private readonly store: PolicyStore | undefined;
  private readonly held = new Map<string, Held>();
  private readonly loading = new Map<string, Promise<Held>>();
  /** Versions never change once stored, so a version read is kept for good. */
  private readonly versionCache = new Map<string, PolicyProfile>();
  /** Which read last set each school's entry: a slow read that started before a switch never undoes it. */
  private readonly readSeq = new Map<string, number>();
  private seq = 0;

  constructor(
    source: PolicyStore | ReadonlyMap<string, PolicyProfile>,
    readonly baseline: StatutoryBaseline,
    private readonly schools: { school(id: string): Promise<School | undefined> },
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 30_000,
  ) {
    if (isStore(source)) this.store = source;
    else for (const [id, profile] of source) this.held.set(id, { at: Number.POSITIVE_INFINITY, profile, current: { version: profile.version, setBy: 'file', at: '' } });
  }

  /** The school's policy as the app applies it. */
  async forSchool(schoolId: string): Promise<SchoolPolicy> {
    const school = (await this.schools.school(schoolId)) ?? { id: schoolId, name: schoolId, headTitle: 'Headteacher' };
    await this.fresh(schoolId);
    return this.of(school);
  }

  /** The same, when the caller holds the school already. */
  of(school: Pick<School, 'id' | 'name' | 'headTitle'>): SchoolPolicy {
    const entry = this.held.get(school.id);
    if (this.store && (!entry || !this.isFresh(entry))) this.read(school.id).catch(() => undefined);
    const profile = entry?.profile;
    const key = `${school.id}|${profile?.version ?? 0}|${school.headTitle ?? ''}`;
    let p = this.bySchool.get(key);
    if (!p) {
      p = new SchoolPolicy(school, profile, this.baseline);
      this.bySchool.set(key, p);
    }
    return p;
  }

  /** Reads the current version of each school now (at start, so `of` has them from the first turn). */
  async load(schoolIds: readonly string[]): Promise<void> {
    await Promise.all(schoolIds.map((id) => this.read(id)));
  }

  /** The current version as stored now, past the cache (the Policy page, and before a switch). */
  async current(schoolId: string): Promise<CurrentVersion | undefined> {
    return (await this.read(schoolId)).current;
  }

  /** One held version of the school's profile (versions never change once stored, so it is kept). */
  async profileVersion(schoolId: string, version: number): Promise<PolicyProfile | undefined> {
    const key = `${schoolId}|${version}`;
    const hit = this.versionCache.get(key);
    if (hit) return hit;
    if (!this.store) {
      const p = this.held.get(schoolId)?.profile;
      return p?.version === version ? p : undefined;
    }
    const p = await this.store.version(schoolId, version);
    if (p) this.versionCache.set(key, p);
    return p;
  }

  /** Every version held for the school, newest first. */
  async versions(schoolId: string): Promise<PolicyVersionInfo[]> {
    if (this.store) return this.store.versions(schoolId);
    const p = this.held.get(schoolId)?.profile;
    return p ? [{ version: p.version, notes: p.versionNotes, addedAt: '' }] : [];
  }

  /** The trail of current-version changes, newest first. */
  async changes(schoolId: string, limit = 200): Promise<PolicyChange[]> {
    return this.store ? this.store.changes(schoolId, limit) : [];
  }

  /**
   * An administrator makes another held version current. The change and its trail entry are written
   * together; this instance applies it at once. Returns false when that version was current already.
   */
  async switchTo(actor: Member, version: number): Promise<boolean> {
    if (!canSwitchPolicy(actor)) throw new PolicySwitchRefusedError('Only an administrator can change which version of the policy the app works to.');
    if (!this.store) throw new PolicySwitchRefusedError('This server holds its policies in memory only; there is no other version to switch to.');
    const schoolId = actor.schoolId;
    if (!(await this.store.version(schoolId, version))) throw new PolicySwitchRefusedError(`No version ${version} of the policy is held for this school.`);
    const current = await this.store.current(schoolId);
    if (current?.version === version) return false;
    try {
      await this.store.setCurrent({ schoolId, at: new Date(this.now()).toISOString(), actorAad: actor.aadObjectId, from: current?.version ?? null, to: version }, 'administrator', current);
    } catch (e) {
      if (e instanceof PolicyConflictError) throw new PolicySwitchRefusedError('Someone else changed the policy version just now. Reload and try again.');
      throw e;
    }
    this.loading.delete(schoolId);
    await this.read(schoolId);
    return true;
  }

  private isFresh(h: Held): boolean {
    return this.now() - h.at < this.ttlMs;
  }

  private async fresh(schoolId: string): Promise<void> {
    const h = this.held.get(schoolId);
    if (this.store && (!h || !this.isFresh(h))) await this.read(schoolId);
  }

  /** One read at a time per school: the current version, then (once per version, ever) its profile. */
  private read(schoolId: string): Promise<Held> {
    const store = this.store;
    if (!store) return Promise.resolve(this.held.get(schoolId) ?? { at: Number.POSITIVE_INFINITY, profile: undefined, current: undefined });
    let p = this.loading.get(schoolId);
    if (!p) {
      const mine = ++this.seq;
      p = (async () => {
        const current = await store.current(schoolId);
        let profile: PolicyProfile | undefined;
        if (current) {
          const key = `${schoolId}|${current.version}`;
          profile = this.versionCache.get(key) ?? (await store.version(schoolId, current.version));
          if (profile) this.versionCache.set(key, profile);
        }
        const h: Held = { at: this.now(), profile, current };
        if (mine > (this.readSeq.get(schoolId) ?? 0)) {
          this.held.set(schoolId, h);
          this.readSeq.set(schoolId, mine);
        }
        return h;
      })();
      this.loading.set(schoolId, p);
      p.finally(() => this.loading.get(schoolId) === p && this.loading.delete(schoolId)).catch(() => undefined);
    }
    return p;
  }
}
