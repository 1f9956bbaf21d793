import type { DirectoryService } from './directory-service.js';
import { isAdmin, isChair, isDsl, isHead, rolesProblem, type Member, type Role } from './directory.js';

/** One entry of a school's role-change trail: who changed whose roles, from what to what, and when. Ids only. */
export interface RoleChange {
  schoolId: string;
  at: string;
  actorAad: string;
  memberAad: string;
  /** `added`: a new member (before is empty); `changed`: an existing member's roles; `removed`: they left (after is empty). */
  kind: 'added' | 'changed' | 'removed';
  before: Role[];
  after: Role[];
}

/** A change of roles that is not allowed, with a sentence for the administrator. */
export class RoleChangeRefusedError extends Error {
  readonly code = 'ROLE_CHANGE_REFUSED';
}

/** The trail's storage: append-only (no update or delete exists), newest first. */
export interface RoleChangeStore {
  record(c: RoleChange): Promise<void>;
  list(schoolId: string, limit: number): Promise<RoleChange[]>;
}

/**
 * Why a change of roles is refused, if it is: nobody changes their own roles (an administrator could
 * otherwise make themselves chair or DSL and read every case), and nobody is both head and chair.
 */
export function roleChangeProblem(actor: Pick<Member, 'aadObjectId'>, memberAad: string, after: readonly Role[]): string | undefined {
  if (actor.aadObjectId === memberAad) return 'You cannot change your own roles. Another administrator can.';
  return rolesProblem(after);
}

/**
 * Who may read the trail: administrators, the chair of governors and the DSLs, the people the trail is a
 * check on and for. A head who is not an administrator does not (a head who holds the chair or a DSL role
 * is never treated as such where the head is concerned); a head who is an administrator does, and can hide
 * nothing, since the trail is append-only.
 */
export function canSeeRoleChanges(m: Member): boolean {
  return isAdmin(m) || (!isHead(m) && (isChair(m) || isDsl(m)));
}

const sameRoles = (a: readonly Role[], b: readonly Role[]) => a.length === b.length && a.every((r) => b.includes(r));

/**
 * Role changes and new members, made by an administrator in Settings. Every change is written to the
 * trail before the directory is changed, so no change is ever made without its entry. The directory's
 * `saveMember` keeps its own cache right.
 */
export class RoleChangeService {
  constructor(
    private readonly directory: Pick<DirectoryService, 'storedMember' | 'saveMember'> & Partial<Pick<DirectoryService, 'joined'>>,
    private readonly trail: RoleChangeStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Returns the member as they now are, or undefined when there is no such member in the actor's school. */
  async changeRoles(actor: Member, memberAad: string, roles: Role[]): Promise<Member | undefined> {
    const problem = roleChangeProblem(actor, memberAad, roles);
    if (problem) throw new RoleChangeRefusedError(problem);
    const existing = await this.directory.storedMember(actor.schoolId, memberAad);
    if (!existing) return undefined;
    if (sameRoles(existing.roles, roles)) return existing;
    await this.trail.record({ schoolId: actor.schoolId, at: this.clock().toISOString(), actorAad: actor.aadObjectId, memberAad, kind: 'changed', before: existing.roles, after: roles });
    const updated: Member = { ...existing, roles };
    await this.directory.saveMember(updated);
    return updated;
  }

  /** A member who left loses every role: the trail entry, written before the directory changes (src/domain/records/leavers.ts). */
  async recordRemoval(actor: Member, member: Member): Promise<void> {
    await this.trail.record({ schoolId: actor.schoolId, at: this.clock().toISOString(), actorAad: actor.aadObjectId, memberAad: member.aadObjectId, kind: 'removed', before: member.roles, after: [] });
  }

  async addMember(actor: Member, member: Omit<Member, 'schoolId'>): Promise<Member> {
    const problem = roleChangeProblem(actor, member.aadObjectId, member.roles);
    if (problem) throw new RoleChangeRefusedError(problem);
    if (await this.directory.storedMember(actor.schoolId, member.aadObjectId)) throw new RoleChangeRefusedError('That person is already a member; change their roles instead.');
    const added: Member = { ...member, schoolId: actor.schoolId };
    await this.trail.record({ schoolId: actor.schoolId, at: this.clock().toISOString(), actorAad: actor.aadObjectId, memberAad: member.aadObjectId, kind: 'added', before: [], after: member.roles });
    await this.directory.saveMember(added);
    this.directory.joined?.(added);
    return added;
  }

  /** The school's trail, newest first, for someone who may read it (`canSeeRoleChanges`, checked by the caller). */
  list(schoolId: string, limit = 500): Promise<RoleChange[]> {
    return this.trail.list(schoolId, limit);
  }
}
