import type { Request, Response } from 'restify';
import { roleGaps, ROLES, type Member, type Role } from '../domain/directory/directory.js';
import { canSeeRoleChanges, RoleChangeRefusedError } from '../domain/directory/role-changes.js';
import type { AppServices } from '../services.js';
import { ForbiddenError, NotFoundError, type TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import { ROLE_LABELS } from './vocabulary.js';
import { AAD, aadParam } from './input.js';
import type * as Dto from './dto.js';
import { LeaverRefusedError } from '../domain/records/leavers.js';

/** Settings: the school's members and their roles (administrators), and the trail of role changes. */
export function settingsHandlers(services: AppServices) {
  const { directory, roleChanges, log } = services;

  /** A refused change is the administrator's to put right: a 400 with the reason. */
  async function refusedAs400<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (e) {
      if (e instanceof RoleChangeRefusedError) throw new BadRequestError(e.message);
      throw e;
    }
  }

  return {
    async members(ctx: TabContext, _req: Request, res: Response) {
      const members = await directory.members(ctx.school.id);
      res.send(200, { items: members.map(presentMember).sort((a, b) => a.name.localeCompare(b.name)), gaps: roleGaps(members) } satisfies Dto.Members);
    },

    async saveRoles(ctx: TabContext, req: Request, res: Response) {
      const aad = aadParam(req, 'aad', 'member id: not valid');
      const roles = rolesOf(req.body);
      const updated = await refusedAs400(roleChanges.changeRoles(ctx.member, aad, roles));
      if (!updated) throw new NotFoundError('No such member.');
      log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, member: aad, roles }, 'roles changed');
      res.send(200, presentMember(updated));
    },

    async addMember(ctx: TabContext, req: Request, res: Response) {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const aad = typeof b.aadObjectId === 'string' ? b.aadObjectId.toLowerCase() : '';
      if (!AAD.test(aad)) throw new BadRequestError('aadObjectId: an Entra object id (a GUID)');
      const name = typeof b.name === 'string' ? b.name.trim() : '';
      if (!name || name.length > 200) throw new BadRequestError('name: required, at most 200 characters');
      const jobTitle = typeof b.jobTitle === 'string' && b.jobTitle.trim() ? b.jobTitle.trim().slice(0, 200) : undefined;
      const roles = rolesOf(b);
      const member = await refusedAs400(roleChanges.addMember(ctx.member, { aadObjectId: aad, name, jobTitle, roles }));
      log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, member: aad, roles }, 'member added');
      res.send(201, presentMember(member));
    },

    /** A member left the school: removed from the directory, their open cases reassigned (src/domain/records/leavers.ts). */
    async removeMember(ctx: TabContext, req: Request, res: Response) {
      const aad = aadParam(req, 'aad', 'member id: not valid');
      let r;
      try {
        r = await services.leavers.remove(ctx.member, aad);
      } catch (e) {
        if (e instanceof LeaverRefusedError) throw new BadRequestError(e.message);
        throw e;
      }
      log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, member: aad, ...r }, 'member removed (left)');
      res.send(200, r);
    },

    /** The role-change trail, newest first, with names from the directory and roles as words. Read-only. */
    async roleChangeTrail(ctx: TabContext, _req: Request, res: Response) {
      if (!canSeeRoleChanges(ctx.member)) throw new ForbiddenError('The record of role changes is for administrators, the chair of governors and safeguarding leads.');
      const [changes, members] = await Promise.all([roleChanges.list(ctx.school.id), directory.members(ctx.school.id)]);
      const names = new Map(members.map((m) => [m.aadObjectId, m.name]));
      const who = (aad: string) => ({ aadObjectId: aad, name: names.get(aad) ?? 'Someone no longer in the directory' });
      const labels = (roles: Role[]) => roles.map((r) => ROLE_LABELS[r]);
      res.send(200, {
        items: changes.map((c) => ({
          at: c.at,
          kind: c.kind,
          actor: who(c.actorAad),
          member: who(c.memberAad),
          before: labels(c.before),
          after: labels(c.after),
          added: labels(c.after.filter((r) => !c.before.includes(r))),
          removed: labels(c.before.filter((r) => !c.after.includes(r))),
        })),
      } satisfies Dto.Items<Dto.RoleChangeRow>);
    },
  };
}

function presentMember(m: Member): Dto.MemberRow {
  return { aadObjectId: m.aadObjectId, name: m.name, jobTitle: m.jobTitle ?? null, roles: m.roles };
}

function rolesOf(body: unknown): Role[] {
  const roles = (body as { roles?: unknown } | undefined)?.roles;
  if (!Array.isArray(roles) || roles.length > ROLES.length || !roles.every((r) => typeof r === 'string' && (ROLES as readonly string[]).includes(r))) {
    throw new BadRequestError(`roles: a list of ${ROLES.join(', ')}`);
  }
  const set = new Set(roles as Role[]);
  if (set.size === 0) set.add('staff');
  return ROLES.filter((r) => set.has(r));
}
