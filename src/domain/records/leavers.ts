/**
 * A member leaves the school: an administrator removes them from the directory. Their open cases go to whoever
 * the case's route gives them to (the DSLs for a safeguarding concern, the chair for one about the head, else the
 * head, then the senior team), with a chronology event; their conversation reference (what lets the bot message
 * them) is dropped once they are in no school; what they submitted keeps their name as it was recorded; and the
 * day they left is kept, from which the schedule counts (their declarations, their directory entry).
 *
 * One hook, `LeaverService.remove`, kept apart from what happens when someone joins the directory.
 */
import { canView } from '../cases/access.js';
import { ConcurrentUpdateError } from '../cases/errors.js';
import type { CaseStore } from '../cases/ports.js';
import { summaryOf } from '../cases/summary.js';
import type { CaseRecord } from '../cases/types.js';
import { isAdmin, isChair, isDsl, isHead, isSlt, personRef, type Member } from '../directory/directory.js';
import type { RecordsStore } from './ports.js';

export class LeaverRefusedError extends Error {
  readonly code = 'LEAVER_REFUSED';
}

export interface LeaverDeps {
  directory: {
    member(schoolId: string, aad: string): Promise<Member | undefined>;
    members(schoolId: string): Promise<Member[]>;
    memberships(aad: string): Promise<unknown[]>;
    removeMember(schoolId: string, aad: string): Promise<void>;
  };
  cases: Pick<CaseStore, 'listOpen' | 'get' | 'update'>;
  records: Pick<RecordsStore, 'recordLeaver'>;
  /** The append-only trail of role changes: a removal is one (every role taken away). */
  roleChanges: { recordRemoval(actor: Member, member: Member): Promise<void> };
  refs: { drop(aad: string): Promise<void> };
  clock: () => Date;
}

/** Who takes over a case whose assignee left: the first who may see it, in the order its route gives. */
export function successorFor(c: CaseRecord, members: readonly Member[], leaverAad: string): Member | undefined {
  const r = c.routing;
  const order: Array<(m: Member) => boolean> = r.aboutHead
    ? [(m) => isChair(m) && !isHead(m), (m) => isDsl(m) && !isHead(m)]
    : r.safeguarding
      ? [(m) => m.roles.includes('dsl'), isDsl, isHead]
      : [isHead, isSlt];
  const s = summaryOf(c);
  for (const pick of order) {
    const found = members.find((m) => m.aadObjectId !== leaverAad && pick(m) && canView(m, s));
    if (found) return found;
  }
  return undefined;
}

export class LeaverService {
  constructor(private readonly deps: LeaverDeps) {}

  /** Remove a member who left. Returns how many open cases were reassigned (or left unassigned when nobody may take them). */
  async remove(actor: Member, aad: string): Promise<{ reassigned: number; unassigned: number }> {
    const { directory, cases, records, refs, roleChanges, clock } = this.deps;
    if (!isAdmin(actor)) throw new LeaverRefusedError('Only an administrator can remove a member.');
    if (aad === actor.aadObjectId) throw new LeaverRefusedError('You cannot remove yourself: another administrator can.');
    const schoolId = actor.schoolId;
    const leaver = await directory.member(schoolId, aad);
    if (!leaver) throw new LeaverRefusedError('No such member of this school.');
    const leftAt = clock().toISOString();
    // The day they left first: if anything after fails, the schedule already counts from it and a retry finishes.
    await records.recordLeaver({ schoolId, aadObjectId: aad, leftAt, removedByAad: actor.aadObjectId });
    await roleChanges.recordRemoval(actor, leaver);
    await directory.removeMember(schoolId, aad);
    const members = (await directory.members(schoolId)).filter((m) => m.aadObjectId !== aad);
    let reassigned = 0;
    let unassigned = 0;
    let token: string | undefined;
    const theirs: string[] = [];
    do {
      const page = await cases.listOpen(schoolId, { filter: `assigneeAad eq '${aad}'`, pageSize: 200, continuationToken: token });
      theirs.push(...page.items.filter((s) => s.assignee?.aadObjectId === aad).map((s) => s.id));
      token = page.continuationToken;
    } while (token);
    for (const id of theirs) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const d = await cases.get(schoolId, id);
        if (!d || d.case.assignee?.aadObjectId !== aad) break;
        const to = successorFor(d.case, members, aad);
        try {
          await cases.update(schoolId, id, d.etag, {
            assignee: to ? personRef(to) : null,
            event: { type: 'reassignedOnLeaving', actor: personRef(actor), detail: to ? `${leaver.name} left the school; the case is now with ${to.name}.` : `${leaver.name} left the school; nobody who may see the case could take it, so it is unassigned.`, data: { fromAad: aad, toAad: to?.aadObjectId ?? null } },
          }, clock().toISOString());
          if (to) reassigned++;
          else unassigned++;
          break;
        } catch (e) {
          if (!(e instanceof ConcurrentUpdateError)) throw e;
        }
      }
    }
    // The bot may still need to reach them for another school of the trust.
    if ((await directory.memberships(aad)).length === 0) await refs.drop(aad);
    return { reassigned, unassigned };
  }
}
