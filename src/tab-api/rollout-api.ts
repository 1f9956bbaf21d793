import type { Request, Response, Server } from 'restify';
import type restify from 'restify';
import { mediumTime } from '../domain/time.js';
import { canRollOut, canSeeRegister, RolloutRefusedError, type Register, type RegisterRow } from '../domain/rollout/rollout-service.js';
import type { RegisterStatus } from '../domain/rollout/rollout.js';
import type { AppServices } from '../services.js';
import { ForbiddenError, type TabContext, type TabHandler, type Need } from './context.js';
import { BadRequestError } from './errors.js';
import { deliveryText } from './delivery-wording.js';
import type * as Dto from './dto.js';

export const REGISTER_STATUS_LABELS: Record<RegisterStatus, string> = {
  acknowledged: 'Acknowledged',
  awaiting: 'Has the card, not yet acknowledged',
  queued: 'Card on its way',
  unreachable: 'Could not be reached (app not installed)',
  failed: 'Could not be delivered',
  notSent: 'Not sent yet',
};

const versionOf = (req: Request): number | undefined => {
  const raw = (req.query as Record<string, unknown> | undefined)?.version;
  if (raw === undefined || raw === '') return undefined;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > 999_999) throw new BadRequestError('version: a version number');
  return v;
};

function rowDto(r: RegisterRow): Dto.AckRow {
  return {
    aadObjectId: r.aadObjectId,
    name: r.name,
    status: r.status,
    statusLabel: REGISTER_STATUS_LABELS[r.status],
    deliveredAt: r.deliveredAt,
    acknowledgedAt: r.acknowledgedAt,
    reminders: r.reminders,
    notedAt: r.notedAt,
    newStarter: r.newStarter,
    checklistConfirmed: r.checklistConfirmed,
    problem: r.status === 'unreachable' || r.status === 'failed' ? deliveryText({ state: r.status, attempts: 0, lastStatus: r.lastStatus ?? undefined, lastCode: r.lastCode ?? undefined }) : null,
  };
}

function registerDto(ctx: TabContext, reg: Register, policyName: string): Dto.AckRegister {
  return {
    school: ctx.school.name,
    policyName,
    version: reg.version,
    versions: reg.versions,
    rolloutReady: reg.rolloutReady,
    counts: reg.counts,
    rows: reg.rows.map(rowDto),
    canRollOut: canRollOut(ctx.member),
  };
}

const csvCell = (v: string) => (/[",\n\r]/.test(v) || /^[=+\-@\t]/.test(v) ? `"${(/^[=+\-@\t]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v);

/** The register as CSV, for an inspection: one line a person, times in UK time. */
export function registerCsv(reg: Register): string {
  const head = ['Name', 'Status', 'Card delivered', 'Acknowledged', 'Reminders', 'Line manager or head told', 'New starter checklist'];
  const lines = reg.rows.map((r) =>
    [
      r.name,
      REGISTER_STATUS_LABELS[r.status],
      r.deliveredAt ? mediumTime(r.deliveredAt) : '',
      r.acknowledgedAt ? mediumTime(r.acknowledgedAt) : '',
      String(r.reminders),
      r.notedAt ? mediumTime(r.notedAt) : '',
      r.checklistConfirmed === null ? '' : r.checklistConfirmed ? 'Confirmed' : 'Not confirmed',
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...lines].join('\r\n') + '\r\n';
}

/**
 * Settings → Policy → Acknowledgements: the register per version (administrators and the head, checked here on
 * every read and logged with ids only), its CSV export, "send to all staff"; and the policy's text, which every
 * member of the school may read (the rollout card links to it).
 */
export function mountRolloutRoutes(
  server: Server,
  services: AppServices,
  route: (need: Need, fn: TabHandler) => restify.RequestHandler,
  json: restify.RequestHandler[],
): void {
  const { rollout, policies, log } = services;
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RolloutRefusedError) throw new BadRequestError(e.message);
      throw e;
    }
  };
  const read = async (ctx: TabContext, req: Request): Promise<Register> => {
    if (!canSeeRegister(ctx.member)) throw new ForbiddenError('The acknowledgement register is for administrators and the head.');
    const reg = await guard(() => rollout.register(ctx.member, versionOf(req)));
    log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, version: reg.version }, 'acknowledgement register read');
    return reg;
  };

  server.get('/api/tab/policy/acknowledgements', route('member', async (ctx, req, res) => {
    const reg = await read(ctx, req);
    res.send(200, registerDto(ctx, reg, policies.of(ctx.school).policyName) satisfies Dto.AckRegister);
  }));

  server.get('/api/tab/policy/acknowledgements.csv', route('member', async (ctx, req, res) => {
    const reg = await read(ctx, req);
    const body = registerCsv(reg);
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="policy-v${reg.version}-acknowledgements.csv"`,
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }));

  server.post('/api/tab/policy/rollout', ...json, route('admin', async (ctx, _req, res) => {
    const r = await guard(() => rollout.rollOut(ctx.member));
    log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, version: r.version, queued: r.queued, resent: r.resent }, 'policy rollout queued');
    res.send(200, r satisfies Dto.RolloutResult);
  }));

  server.get('/api/tab/policy/text', route('member', async (ctx, _req, res) => {
    const policy = await policies.forSchool(ctx.school.id);
    const clauses = services.ask.forSchool(ctx.school.id)?.file.clauses ?? [];
    res.send(200, {
      school: ctx.school.name,
      policyName: policy.policyName,
      title: policy.profile?.policy.title ?? null,
      date: policy.profile?.policy.date ?? null,
      clauses: clauses.map((c) => ({ label: c.label ?? null, heading: c.heading ?? null, text: c.text })),
    } satisfies Dto.PolicyText);
  }));
}
