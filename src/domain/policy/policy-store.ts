/**
 * Each school's policy profile is stored with the school, versioned: every version ever held is kept, one is
 * current, and every change of the current version is on an append-only trail (who, from, to, when). The
 * domain declares the port; src/storage/policy-repository.ts implements it over Table storage.
 */
import type { PolicyProfile } from './profile.js';

/** Who made a version current: the policy file read at a start, or an administrator in the tab. */
export type CurrentSetBy = 'file' | 'administrator';

export interface CurrentVersion {
  version: number;
  setBy: CurrentSetBy;
  at: string;
  /** Opaque: lets a change of the current version fail when someone else changed it first. */
  etag?: string;
}

export interface PolicyVersionInfo {
  version: number;
  notes: string[];
  addedAt: string;
}

/** One entry of a school's trail of current-version changes. Ids only. */
export interface PolicyChange {
  schoolId: string;
  at: string;
  /** The administrator who switched; null when the policy file made it current at a start. */
  actorAad: string | null;
  /** null: the first version held. */
  from: number | null;
  to: number;
}

/** Someone else changed the current version between our read and our write. */
export class PolicyConflictError extends Error {
  readonly code = 'POLICY_CONFLICT';
}

export interface PolicyStore {
  current(schoolId: string): Promise<CurrentVersion | undefined>;
  version(schoolId: string, version: number): Promise<PolicyProfile | undefined>;
  /** Every version held, newest first. */
  versions(schoolId: string): Promise<PolicyVersionInfo[]>;
  /** Stores a version; false when that version number is held already (a version is never overwritten). */
  addVersion(profile: PolicyProfile, at: string): Promise<boolean>;
  /**
   * Makes `change.to` current and appends `change` to the trail, together or not at all. Throws
   * PolicyConflictError when the current version is no longer `expected` (undefined: none yet).
   */
  setCurrent(change: PolicyChange, setBy: CurrentSetBy, expected: CurrentVersion | undefined): Promise<void>;
  /** The trail, newest first. Append-only: nothing updates or deletes an entry. */
  changes(schoolId: string, limit: number): Promise<PolicyChange[]>;
}

/** What reading a profile file at start did for its school. */
export type FileOutcome = 'stored' | 'added' | 'addedNotCurrent' | 'unchanged' | 'differs' | 'older';

const comparable = (p: PolicyProfile) => JSON.stringify(p);

/**
 * A profile file read at start, for a school in the directory. The first start stores it and makes it
 * current. A later file with a higher version is added; it becomes current only while the current version
 * came from a file too: once an administrator has chosen a version in the tab, a new file never overrides
 * that choice silently (the new version is held, for them to switch to). Nothing is ever deleted, and a held
 * version is never rewritten: a file whose content changed without a new version number is reported
 * (`differs`) and not stored.
 */
export async function adoptProfileFile(store: PolicyStore, profile: PolicyProfile, now: Date): Promise<FileOutcome> {
  const at = now.toISOString();
  const schoolId = profile.id;
  const added = await store.addVersion(profile, at);
  if (!added) {
    const held = await store.version(schoolId, profile.version);
    if (held && comparable(held) !== comparable(profile)) return 'differs';
  }
  const current = await store.current(schoolId);
  const makeCurrent = async () => {
    try {
      await store.setCurrent({ schoolId, at, actorAad: null, from: current?.version ?? null, to: profile.version }, 'file', current);
    } catch (e) {
      // Another instance starting at the same moment got there first: its decision stands.
      if (!(e instanceof PolicyConflictError)) throw e;
    }
  };
  if (!current) {
    await makeCurrent();
    return 'stored';
  }
  if (profile.version < current.version) return 'older';
  if (profile.version === current.version) return added ? 'added' : 'unchanged';
  if (current.setBy === 'administrator') return added ? 'addedNotCurrent' : 'unchanged';
  await makeCurrent();
  return 'added';
}

/** The port in memory: for a fixed set of profiles (tests, tools) where nothing is stored. */
export class MemoryPolicyStore implements PolicyStore {
  private readonly held = new Map<string, Map<number, { profile: PolicyProfile; at: string }>>();
  private readonly currents = new Map<string, CurrentVersion>();
  private readonly trail: PolicyChange[] = [];
  private tag = 0;

  async current(schoolId: string) {
    return this.currents.get(schoolId);
  }
  async version(schoolId: string, version: number) {
    return this.held.get(schoolId)?.get(version)?.profile;
  }
  async versions(schoolId: string) {
    return [...(this.held.get(schoolId)?.values() ?? [])]
      .map((v) => ({ version: v.profile.version, notes: v.profile.versionNotes, addedAt: v.at }))
      .sort((a, b) => b.version - a.version);
  }
  async addVersion(profile: PolicyProfile, at: string) {
    let m = this.held.get(profile.id);
    if (!m) this.held.set(profile.id, (m = new Map()));
    if (m.has(profile.version)) return false;
    m.set(profile.version, { profile, at });
    return true;
  }
  async setCurrent(change: PolicyChange, setBy: CurrentSetBy, expected: CurrentVersion | undefined) {
    if (this.currents.get(change.schoolId)?.etag !== expected?.etag) throw new PolicyConflictError('the current version changed');
    this.currents.set(change.schoolId, { version: change.to, setBy, at: change.at, etag: String(++this.tag) });
    this.trail.unshift(change);
  }
  async changes(schoolId: string, limit: number) {
    return this.trail.filter((c) => c.schoolId === schoolId).slice(0, limit);
  }
}
