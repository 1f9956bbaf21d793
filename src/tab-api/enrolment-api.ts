import type { Request, RequestHandler, Response, Server } from 'restify';
import { EnrolmentNotFoundError } from '../domain/directory/enrolment.js';
import type { AppServices } from '../services.js';
import { NotFoundError, type Need, type TabHandler } from './context.js';
import { aadParam } from './input.js';
import type * as Dto from './dto.js';

type Route = (need: Need, fn: TabHandler) => RequestHandler;

/**
 * Requests to join a school of a trust (src/domain/directory/enrolment.ts), in the tab's Settings. Administrators of
 * the school the request names, and only they, list, confirm and refuse: the routes need an administrator
 * of the caller's selected school, and a request is looked up in that school alone, so another school's
 * administrator finds nothing to act on (404).
 */
export function mountEnrolmentRoutes(server: Server, services: AppServices, route: Route, json: RequestHandler[]): void {
  server.get('/api/tab/settings/enrolments', route('admin', list));
  server.post('/api/tab/settings/enrolments/:aad/confirm', ...json, route('admin', decide('confirm')));
  server.post('/api/tab/settings/enrolments/:aad/refuse', ...json, route('admin', decide('refuse')));

  async function list(ctx: Parameters<TabHandler>[0], _req: Request, res: Response) {
    const items = await services.enrolment.pending(ctx.school.id);
    res.send(200, { items: items.map((r) => ({ aadObjectId: r.aadObjectId, name: r.name, email: r.email ?? null, requestedAt: r.requestedAt })) } satisfies Dto.Items<Dto.PendingEnrolment>);
  }

  function decide(decision: 'confirm' | 'refuse'): TabHandler {
    return async (ctx, req, res) => {
      const aad = aadParam(req, 'aad', 'request id: not valid');
      try {
        if (decision === 'confirm') await services.enrolment.confirm(ctx.school.id, aad);
        else await services.enrolment.refuse(ctx.school.id, aad);
      } catch (e) {
        if (e instanceof EnrolmentNotFoundError) throw new NotFoundError('No such request at this school. It may have been decided already.');
        throw e;
      }
      services.log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, member: aad, decision }, 'enrolment decided');
      res.send(200, { aadObjectId: aad, decision });
    };
  }
}
