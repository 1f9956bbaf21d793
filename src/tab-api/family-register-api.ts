import type { Request, Response } from 'restify';
import type { AppServices } from '../services.js';
import type { TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import type * as Dto from './dto.js';

/** `?withdrawn=1` adds the withdrawn declarations; nothing else is accepted, so a typo is a 400, not a silent default. */
export function parseFamilyRegisterQuery(q: Record<string, unknown>): { includeWithdrawn: boolean } {
  for (const k of Object.keys(q)) if (k !== 'withdrawn') throw new BadRequestError(`${k}: unknown parameter`);
  const v = q.withdrawn;
  if (v === undefined || v === '' || v === '0') return { includeWithdrawn: false };
  if (v === '1') return { includeWithdrawn: true };
  throw new BadRequestError('withdrawn: 1 to include withdrawn declarations, 0 (or leave it out) for those that stand');
}

/**
 * The register of family relationships with pupils in the Cases tab. The route needs a Cases-tab user; the
 * service lists only what the viewer may see (SLT and the head see the staff's declarations, only the chair
 * sees the head's own). Reading the register records nothing on the cases, as for the accounts register.
 */
export function familyRegisterHandlers({ declarations: svc }: Pick<AppServices, 'declarations'>) {
  return {
    async list(ctx: TabContext, req: Request, res: Response) {
      const opts = parseFamilyRegisterQuery((req.query ?? {}) as Record<string, unknown>);
      res.send(200, { items: await svc.register(ctx.member, opts) } satisfies Dto.Items<Dto.FamilyRegisterRow>);
    },
  };
}
