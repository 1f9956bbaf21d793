import type { Request, Response } from 'restify';
import type { AppServices } from '../services.js';
import type { TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import type * as Dto from './dto.js';

/**
 * The register of approved posts on the school's accounts in the Cases tab. The route needs a Cases-tab user;
 * the service lists only the posts the viewer may see (need-to-know, checked on every row). `?person=` narrows
 * it to the posts that name a pupil or a member of staff (by name), as a subject access request asks.
 */
export function postRegisterHandlers({ posts }: Pick<AppServices, 'posts'>) {
  return {
    async list(ctx: TabContext, req: Request, res: Response) {
      const q = (req.query ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(q)) if (k !== 'person') throw new BadRequestError(`${k}: unknown parameter`);
      const person = typeof q.person === 'string' ? q.person.trim().toLowerCase().slice(0, 200) : '';
      const rows = await posts.register(ctx.member);
      const named = (r: (typeof rows)[number]) =>
        !person || r.pupils.some((p) => p.name.toLowerCase() === person) || r.proposedBy.name.toLowerCase() === person || r.approvedBy.name.toLowerCase() === person;
      const items = rows.filter(named).map((r): Dto.PostRegisterRow => ({
        id: r.id,
        reference: r.reference,
        accountName: r.accountName,
        platform: r.platform,
        proposedBy: r.proposedBy.name,
        proposedAt: r.proposedAt,
        approvedBy: r.approvedBy.name,
        approvedAt: r.approvedAt,
        pupils: r.pupils.map((p) => (p.classOrYear ? `${p.name} (${p.classOrYear})` : p.name)),
        photos: r.photos,
        text: r.text,
      }));
      res.send(200, { items } satisfies Dto.Items<Dto.PostRegisterRow>);
    },
  };
}
