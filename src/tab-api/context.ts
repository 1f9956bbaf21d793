import type { Request, Response } from 'restify';
import { canUseTab } from '../domain/cases/access.js';
import { CaseNotFoundError, ConcurrentUpdateError, InvalidChangeError, NotAllowedError } from '../domain/cases/case-service.js';
import { isAdmin, type Member, type School } from '../domain/directory/directory.js';
import { isLocalRequest } from '../local-request.js';
import type { AppServices } from '../services.js';
import { AuthError, type Caller, type TokenVerifier } from './auth.js';
import { BadRequestError, ForbiddenError, NotFoundError } from './errors.js';

export { BadRequestError, ForbiddenError, NotFoundError };

/** Who is calling, for which school, with what roles: resolved from the verified token on every request. */
export interface TabContext {
  caller: Caller;
  school: School;
  member: Member;
  memberships: Array<{ school: School; member: Member }>;
}

export type Need = 'member' | 'cases' | 'admin';

export const DEV_SIGN_IN_LOCAL_ONLY = 'Development sign-in works from this machine only, not through a proxy or tunnel.';
export type TabHandler = (ctx: TabContext, req: Request, res: Response) => Promise<void>;

const SCHOOL_ID = /^[a-z0-9-]{2,40}$/;

export async function resolveContext(services: AppServices, caller: Caller, requestedSchool: string | undefined): Promise<TabContext> {
  // The person's own schools (one index read), not a look in every school of a trust.
  const memberships: TabContext['memberships'] = await services.directory.memberships(caller.oid);
  if (!memberships.length) throw new ForbiddenError('You are not in the school directory. Ask your school administrator.');
  let chosen = memberships.find((m) => canUseTab(m.member) || isAdmin(m.member)) ?? memberships[0];
  if (requestedSchool) {
    if (!SCHOOL_ID.test(requestedSchool)) throw new BadRequestError('X-School-Id: not valid');
    const m = memberships.find((x) => x.school.id === requestedSchool);
    if (!m) throw new ForbiddenError('You are not a member of that school.');
    chosen = m;
  }
  return { caller, school: chosen.school, member: chosen.member, memberships };
}

/** Every tab API call: no caching, a verified caller, the role check, and one mapping of errors to statuses. */
export function tabRoute(services: AppServices, verifier: TokenVerifier, need: Need, fn: TabHandler) {
  return async (req: Request, res: Response): Promise<void> => {
    res.header('Cache-Control', 'no-store');
    try {
      const caller = await verifier.verify(req.header('authorization'));
      // A development token minted here must not work when replayed through a tunnel to this machine.
      if (caller.via === 'dev' && !isLocalRequest(req)) throw new ForbiddenError(DEV_SIGN_IN_LOCAL_ONLY);
      const ctx = await resolveContext(services, caller, req.header('x-school-id') || undefined);
      if (need === 'cases' && !canUseTab(ctx.member)) throw new ForbiddenError('The Cases tab is for senior leaders, safeguarding leads and the chair of governors.');
      if (need === 'admin' && !isAdmin(ctx.member)) throw new ForbiddenError('Settings are for school administrators.');
      await fn(ctx, req, res);
    } catch (e) {
      sendError(services, req, res, e);
    }
  };
}

export function sendError(services: AppServices, req: Request, res: Response, e: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const send = (status: number, error: string) => res.send(status, { error });
  if (e instanceof AuthError) {
    res.header('WWW-Authenticate', 'Bearer');
    return void send(401, e.message);
  }
  if (e instanceof BadRequestError || e instanceof InvalidChangeError) return void send(400, e.message);
  if (e instanceof ForbiddenError || e instanceof NotAllowedError) return void send(403, e.message);
  if (e instanceof CaseNotFoundError || e instanceof NotFoundError) return void send(404, e instanceof NotFoundError ? e.message : 'No such case.');
  if (e instanceof ConcurrentUpdateError) return void send(409, 'Someone else changed this case just now. Reload and try again.');
  services.log.error({ path: req.path(), errorName: (e as Error)?.name, errorCode: (e as { code?: unknown })?.code }, 'tab request failed');
  send(500, 'Internal error');
}
