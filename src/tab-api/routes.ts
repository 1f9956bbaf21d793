import restify, { type Request, type Response, type Server } from 'restify';
import type { JWTVerifyGetKey } from 'jose';
import { canUseTab } from '../domain/cases/access.js';
import { STATUS_LABELS, isOpen, type CaseStatus } from '../domain/cases/types.js';
import { isAdmin, isDsl, ROLES } from '../domain/directory/directory.js';
import { canSeeRoleChanges } from '../domain/directory/role-changes.js';
import { isLocalRequest } from '../local-request.js';
import type { AppServices } from '../services.js';
import { createTokenVerifier, type TokenVerifier } from './auth.js';
import { caseHandlers } from './cases-api.js';
import { accountRegisterHandlers } from './account-register-api.js';
import { familyRegisterHandlers } from './family-register-api.js';
import { postRegisterHandlers } from './post-register-api.js';
import { mountEnrolmentRoutes } from './enrolment-api.js';
import { mountConsentRoutes } from './consent-api.js';
import { mountRolloutRoutes } from './rollout-api.js';
import { canKeepConsentRegister } from '../domain/consent/consent.js';
import { DEV_SIGN_IN_LOCAL_ONLY, sendError, tabRoute, type TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import { settingsHandlers } from './settings-api.js';
import { policyHandlers } from './policy-api.js';
import { recordsHandlers } from './records-api.js';
import { canSeePolicy } from '../domain/policy/policy-service.js';
import { canSeeRegister } from '../domain/rollout/rollout-service.js';
import { AAD } from './input.js';
import type * as Dto from './dto.js';
import { mountStaticFiles } from './static-files.js';
import { CATEGORY_LABELS, KIND_LABELS, ROLE_LABELS, SEVERITIES } from './vocabulary.js';

export interface TabRouteOptions {
  /** Signing keys for SSO tokens; by default the tenant key set from `config.sso.jwksUrl`. */
  getKey?: JWTVerifyGetKey;
}

/** The Cases tab: static files under /tab and the JSON API under /api/tab. */
export function mountTabRoutes(services: AppServices, opts: TabRouteOptions = {}): (server: Server) => void {
  const verifier = createTokenVerifier(services.config, opts.getKey);
  return (server) => {
    mountStaticFiles(server);
    const json = restify.plugins.bodyParser({ maxBodySize: 16 * 1024, mapParams: false, mapFiles: false, rejectUnknown: true });
    const route = (need: 'member' | 'cases' | 'admin', fn: (ctx: TabContext, req: Request, res: Response) => Promise<void>) => tabRoute(services, verifier, need, fn);
    const h = caseHandlers(services);

    server.get('/api/tab/me', route('member', me));
    server.get('/api/tab/cases', route('cases', h.list));
    server.get('/api/tab/cases/stats', route('cases', h.stats));
    server.get('/api/tab/cases/:id', route('cases', h.detail));
    server.get('/api/tab/cases/:id/assignees', route('cases', h.assignees));
    server.get('/api/tab/cases/:id/thumbnails', route('cases', h.evidenceThumbnails));
    server.get('/api/tab/cases/:id/evidence/:evidenceId/display', route('cases', h.evidenceDisplay));
    server.get('/api/tab/cases/:id/evidence/:evidenceId', route('cases', h.evidenceOriginal));
    server.post('/api/tab/cases/:id/assign', ...json, route('cases', h.assign));
    server.post('/api/tab/cases/:id/notes', ...json, route('cases', h.note));
    server.post('/api/tab/cases/:id/status', ...json, route('cases', h.status));
    server.post('/api/tab/cases/:id/acknowledge', route('cases', h.acknowledge));
    server.post('/api/tab/cases/:id/referrals', ...json, route('cases', h.referral));
    server.post('/api/tab/cases/:id/hold', ...json, route('cases', h.hold));
    server.get('/api/tab/cases/:id/retention', route('cases', h.retention));
    server.post('/api/tab/cases/:id/retention', ...json, route('cases', h.review));
    const accounts = accountRegisterHandlers(services);
    server.get('/api/tab/registers/accounts', route('cases', accounts.list));
    server.post('/api/tab/registers/accounts/:id/transfer', ...json, route('cases', accounts.transfer));
    server.post('/api/tab/registers/accounts/:id/close', ...json, route('cases', accounts.close));
    server.get('/api/tab/cases/:id/approval', route('cases', accounts.approval));
    server.post('/api/tab/cases/:id/approval', ...json, route('cases', accounts.decide));
    const family = familyRegisterHandlers(services);
    server.get('/api/tab/registers/family', route('cases', family.list));
    server.get('/api/tab/registers/posts', route('cases', postRegisterHandlers(services).list));
    const settings = settingsHandlers(services);
    server.get('/api/tab/settings/members', route('admin', settings.members));
    server.put('/api/tab/settings/members/:aad', ...json, route('admin', settings.saveRoles));
    server.post('/api/tab/settings/members', ...json, route('admin', settings.addMember));
    server.post('/api/tab/settings/members/:aad/left', route('admin', settings.removeMember));
    server.get('/api/tab/settings/role-changes', route('member', settings.roleChangeTrail));
    const policy = policyHandlers(services);
    server.get('/api/tab/settings/policy', route('member', policy.show));
    server.post('/api/tab/settings/policy/current', ...json, route('admin', policy.switchVersion));
    const recordsApi = recordsHandlers(services);
    server.get('/api/tab/settings/records', route('admin', recordsApi.show));
    server.post('/api/tab/settings/records/subject-access', ...json, route('admin', recordsApi.subjectAccess));
    server.post('/api/tab/settings/records/erasure', ...json, route('admin', recordsApi.erase));
    mountEnrolmentRoutes(server, services, route, json);
    mountConsentRoutes(server, services, route, json);
    mountRolloutRoutes(server, services, route, json);
    // Development sign-in: in production these routes do not exist, and tokens of its issuer are refused.
    if (services.config.dangerouslyEnableDevSignIn && services.config.env !== 'production') mountDevSignIn(server, services, verifier, json);
  };

  async function me(ctx: TabContext, _req: Request, res: Response) {
    const m = ctx.member;
    res.send(200, {
      name: m.name,
      aadObjectId: m.aadObjectId,
      roles: m.roles,
      school: { id: ctx.school.id, name: ctx.school.name, headTitle: ctx.school.headTitle },
      schools: ctx.memberships.map((x) => ({ id: x.school.id, name: x.school.name })),
      can: { cases: canUseTab(m), settings: isAdmin(m), acknowledge: isDsl(m), roleChanges: canSeeRoleChanges(m), policy: canSeePolicy(m), consent: canKeepConsentRegister(m), acknowledgements: canSeeRegister(m) },
      vocabulary: {
        kinds: Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label })),
        categories: Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label })),
        statuses: (Object.keys(STATUS_LABELS) as CaseStatus[]).filter(isOpen).map((value) => ({ value, label: STATUS_LABELS[value] })),
        severities: SEVERITIES.map((value) => ({ value, label: value[0].toUpperCase() + value.slice(1) })),
        roles: ROLES.map((value) => ({ value, label: ROLE_LABELS[value] })),
      },
      signedInVia: ctx.caller.via,
    } satisfies Dto.Me);
  }
}

function mountDevSignIn(server: Server, services: AppServices, verifier: TokenVerifier, json: restify.RequestHandler[]) {
  const loopbackOnly = (fn: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    try {
      if (!isLocalRequest(req)) {
        res.send(403, { error: DEV_SIGN_IN_LOCAL_ONLY });
        return;
      }
      await fn(req, res);
    } catch (e) {
      sendError(services, req, res, e);
    }
  };
  server.get('/api/tab/dev/users', loopbackOnly(async (_req, res) => {
    const items: Dto.DevUser[] = [];
    for (const s of await services.directory.schools()) {
      for (const m of await services.directory.members(s.id)) items.push({ aadObjectId: m.aadObjectId, name: m.name, school: s.name, roles: m.roles, roleLabels: m.roles.map((r) => ROLE_LABELS[r] ?? r) });
    }
    res.send(200, { items } satisfies Dto.Items<Dto.DevUser>);
  }));
  server.post('/api/tab/dev/token', ...json, loopbackOnly(async (req, res) => {
    const aad = (req.body as { aadObjectId?: unknown } | undefined)?.aadObjectId;
    if (typeof aad !== 'string' || !AAD.test(aad)) throw new BadRequestError('aadObjectId: required');
    res.send(200, { token: await verifier.issueDevToken(aad) });
  }));
}
