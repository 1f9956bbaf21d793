import type { Request, Response } from 'restify';
import type { AppServices } from '../services.js';
import { schoolStaff } from '../domain/account-requests/account-request.js';
import { currentStep, mayDecide, roleLabel } from '../domain/account-requests/approval-chain.js';
import { describeStatus, stageOf, type Decision } from '../domain/account-requests/account-request-service.js';
import { NotFoundError, type TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import { AAD, bodyOf, caseIdOf, optionalText } from './input.js';
import type * as Dto from './dto.js';

const DECISIONS: Record<string, Decision> = { approve: 'approved', reject: 'rejected', changes: 'changesRequested' };

/**
 * The register of school accounts and the approval of account requests in the Cases tab. Every call is
 * authorised on the server: the route needs a Cases-tab user, and the service checks need-to-know, the
 * current approver, and that only SLT keep the register.
 */
export function accountRegisterHandlers(services: AppServices) {
  const { accountRequests: svc, directory, log } = services;

  async function approvalState(ctx: TabContext, caseId: string): Promise<Dto.ApprovalState> {
    const c = await svc.visible(ctx.member, caseId);
    const st = stageOf(c);
    const now = currentStep(st.chain);
    const { terms } = await svc.policyFor(ctx.school.id);
    return {
      status: describeStatus(c, terms),
      round: st.round,
      step: now,
      canDecide: c.status === 'awaitingApproval' && now >= 0 && mayDecide(st.chain[now], ctx.member.aadObjectId, c.submitter.aadObjectId),
      chain: st.chain.map((s, i) => ({
        role: roleLabel(s.role, terms),
        approver: s.approver?.name ?? (s.approvers ? 'any one member' : null),
        state: s.state === 'pending' && i === now && c.status === 'awaitingApproval' ? 'waiting' : s.state,
        skippedBecause: s.skippedBecause ?? null,
        decidedAt: s.decidedAt ?? null,
      })),
      decisions: st.decisions.map((d) => ({ round: d.round, role: roleLabel(d.role, terms), by: d.by.name, decision: d.decision, at: d.at, reason: d.reason ?? null })),
    };
  }

  return {
    async list(ctx: TabContext, _req: Request, res: Response) {
      const items = await svc.register(ctx.member);
      const staff = schoolStaff(await directory.members(ctx.school.id)).map((m) => ({ aadObjectId: m.aadObjectId, name: m.name, jobTitle: m.jobTitle ?? null }));
      res.send(200, { items, staff } satisfies Dto.AccountRegister);
    },

    async transfer(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const b = bodyOf(req);
      const aad = typeof b.leadAad === 'string' ? b.leadAad : '';
      if (!AAD.test(aad)) throw new BadRequestError('leadAad: required');
      const to = await directory.member(ctx.school.id, aad);
      if (!to) throw new BadRequestError('leadAad: not a member of this school');
      await svc.transferLead(ctx.member, caseId, to, optionalText(b, 'reason'));
      log.info({ caseId, actor: ctx.member.aadObjectId, lead: aad }, 'account lead transferred');
      res.send(200, { items: await svc.register(ctx.member) } satisfies Dto.Items<Dto.AccountRegisterRow>);
    },

    async close(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const reason = optionalText(bodyOf(req), 'reason');
      if (!reason) throw new BadRequestError('reason: required');
      await svc.closeAccount(ctx.member, caseId, reason);
      log.info({ caseId, actor: ctx.member.aadObjectId }, 'account closed');
      res.send(200, { items: await svc.register(ctx.member) } satisfies Dto.Items<Dto.AccountRegisterRow>);
    },

    async approval(ctx: TabContext, req: Request, res: Response) {
      res.send(200, await approvalState(ctx, caseIdOf(req)));
    },

    async decide(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const b = bodyOf(req);
      const decision = typeof b.decision === 'string' ? DECISIONS[b.decision] : undefined;
      if (!decision) throw new BadRequestError('decision: approve, reject or changes');
      const round = Number(b.round);
      const step = Number(b.step);
      if (!Number.isInteger(round) || round < 1 || !Number.isInteger(step) || step < 0 || step > 2) throw new BadRequestError('round and step: required');
      await svc.visible(ctx.member, caseId);
      const r = await svc.decide(ctx.member, caseId, { round, step, decision, reason: optionalText(b, 'reason') });
      log.info({ caseId, actor: ctx.member.aadObjectId, decision, first: r.first }, 'account request decision (tab)');
      res.send(200, await approvalState(ctx, caseId));
    },
  };
}
