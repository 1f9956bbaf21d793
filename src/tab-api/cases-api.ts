import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'restify';
import { canView, visibilityFilter } from '../domain/cases/access.js';
import { INCIDENT_TRANSITIONS } from '../domain/cases/case-service.js';
import { whoIsTold, type NobodyToAlert } from '../domain/cases/who-is-told.js';
import { STATUS_LABELS, type CaseKind, type SubmittedKind, type CaseRecord, type CaseStatus, type CaseSummary, type EvidenceRecord, type ReferralBody } from '../domain/cases/types.js';
import { isDsl, isHead, personRef, type Member } from '../domain/directory/directory.js';
import { canHold } from '../domain/records/retention-service.js';
import type { CaseDetail } from '../domain/cases/ports.js';
import { summaryOf } from '../domain/cases/summary.js';
import { isNotFound } from '../storage/clients.js';
import type { AppServices } from '../services.js';
import { NotFoundError, type TabContext } from './context.js';
import { BadRequestError, ForbiddenError } from './errors.js';
import { overdueFlags, parseListQuery } from './list-query.js';
import { AAD, bodyOf, caseIdOf, optionalText, text } from './input.js';
import type * as Dto from './dto.js';
import { KIND_LABELS, KINDS, REFERRAL_BODY_NAMES, STATUSES, categoryLabelOf, presentAnswers } from './vocabulary.js';
import { presentReferrals, referralFlag } from './referral-wording.js';
import { REFERRAL_BODIES } from '../domain/cases/referrals.js';
import type { SchoolPolicy } from '../domain/policy/school-policy.js';
import { shortTime } from '../domain/time.js';
import { deliveryText, messageKindLabel } from './delivery-wording.js';
import { PREVIEW_CONTENT_TYPE } from '../evidence/previews.js';

const DELIVERY_EVENTS: ReadonlySet<string> = new Set(['alertQueued', 'alertDelivered', 'alertFailed', 'recipientUnreachable']);

/** Evidence ids are generated (hex or base64url); anything with dots, slashes or escapes is refused. */
const EVIDENCE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ORIGINAL_EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic' };
const SAFE_FILE_HEADERS = {
  'Cache-Control': 'no-store, private',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Who may download an original (with its metadata): the designated safeguarding leads and the headteacher. */
export const canDownloadOriginals = (m: Pick<Member, 'roles'>) => isDsl(m) || isHead(m);

/** The pictures as the reporter sent them (storage lists them by id): "Evidence 2" is the second received. */
const inReceiptOrder = (evidence: readonly EvidenceRecord[]) => [...evidence].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));

/** A derived JPEG (no metadata), shown in the page. */
function sendPreview(res: Response, evidenceId: string, kind: 'display', bytes: Buffer): void {
  res.writeHead(200, {
    'Content-Type': 'image/jpeg',
    'Content-Disposition': `inline; filename="evidence-${evidenceId}-${kind}.jpg"`,
    'Content-Length': bytes.length,
    ...SAFE_FILE_HEADERS,
  });
  res.end(bytes);
}

export function presentSummary(s: CaseSummary, now: Date): Dto.CaseSummary {
  return {
    id: s.id,
    reference: s.reference,
    kind: s.kind,
    kindLabel: KIND_LABELS[s.kind as SubmittedKind] ?? s.kind,
    category: s.category,
    categoryLabel: categoryLabelOf(s.kind, s.category),
    status: s.status,
    statusLabel: STATUS_LABELS[s.status] ?? s.status,
    severity: s.severity,
    safeguarding: s.safeguarding,
    aboutHead: s.aboutHead,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    assignee: s.assignee ? personRef(s.assignee) : null,
    acknowledged: s.acknowledged ? { at: s.acknowledged.at, by: s.acknowledged.by.name } : null,
    overdue: overdueFlags(s, now),
    referralDue: referralFlag(s, now),
  };
}

function presentDetail(d: CaseDetail, viewer: Member, headTitle: string, now: Date, policy: SchoolPolicy): Dto.CaseDetail {
  const c = d.case;
  const receipt = d.outbox.find((o) => o.kind === 'receipt');
  const nobody = Array.isArray(receipt?.payload.nobodyToAlert) ? (receipt.payload.nobodyToAlert as NobodyToAlert[]) : undefined;
  const subjectHeld = Array.isArray(receipt?.payload.subjectHeld) ? (receipt.payload.subjectHeld as NobodyToAlert[]) : undefined;
  const summary = presentSummary(
    {
      schoolId: c.schoolId, id: c.id, reference: c.reference, kind: c.kind, category: c.category, status: c.status,
      createdAt: c.createdAt, updatedAt: c.updatedAt, assignee: c.assignee, acknowledged: c.acknowledged,
      severity: c.routing.severity, safeguarding: c.routing.safeguarding, aboutHead: c.routing.aboutHead,
      queue: c.routing.queue, submitterAad: c.submitter.aadObjectId, referralsOwed: summaryOf(c).referralsOwed,
    },
    now,
  );
  return {
    case: {
      ...summary,
      reasons: c.routing.reasons,
      submitter: c.submitter.name,
      outcome: c.outcome ?? null,
      // What the reporter was told on sending, in the same words as their reply and receipt.
      reporterTold: c.kind === 'incident' ? whoIsTold(c, headTitle, { nobody, subjectHeld }) : null,
      legalHold: c.legalHold ? { by: c.legalHold.by.name, at: c.legalHold.at, reason: c.legalHold.reason } : null,
    },
    answers: presentAnswers(c.answers, c.kind),
    evidence: inReceiptOrder(d.evidence).map((v) => ({ id: v.id, contentType: v.contentType, size: v.size, receivedAt: v.receivedAt, source: v.source, name: v.originalName, sha256: v.sha256 })),
    events: d.events.map((e) => ({
      at: e.at,
      type: e.type,
      actor: e.actor?.name ?? null,
      detail: e.detail ?? null,
      from: typeof e.data?.from === 'string' ? STATUS_LABELS[e.data.from as CaseStatus] ?? null : null,
      to: typeof e.data?.to === 'string' ? STATUS_LABELS[e.data.to as CaseStatus] ?? null : null,
      // Delivery events say which message they are about (a receipt is not an alert); a referral, which body.
      message: DELIVERY_EVENTS.has(e.type) ? messageKindLabel(e.data?.kind) : e.type === 'referred' ? referralEventText(e.data) : null,
    })),
    deliveries: d.outbox.map((o) => ({
      recipient: o.recipient.name,
      kind: o.kind,
      kindLabel: messageKindLabel(o.kind) ?? 'Message',
      state: o.state,
      attempts: o.attempts,
      status: o.lastStatus ?? null,
      code: o.lastCode ?? null,
      text: deliveryText(o),
    })),
    can: {
      acknowledge: c.routing.safeguarding && !c.acknowledged && isDsl(viewer),
      downloadEvidence: canDownloadOriginals(viewer),
      hold: canHold(viewer),
      nextStatuses: c.kind === 'incident' ? (INCIDENT_TRANSITIONS[c.status] ?? []).map((s) => ({ status: s, label: STATUS_LABELS[s] })) : [],
    },
    referrals: presentReferrals(c, policy, now),
  };
}

/** "LADO, reference L-42, made by Dev Patel, Fri 6 Mar, 14:50": what a referral event records. */
function referralEventText(data: Record<string, unknown> | undefined): string | null {
  const body = REFERRAL_BODY_NAMES[data?.body as ReferralBody];
  if (!body || typeof data?.reference !== 'string' || typeof data.at !== 'string') return null;
  return `${body}, reference ${data.reference}, made by ${typeof data.referredBy === 'string' ? data.referredBy : 'someone'}, ${shortTime(data.at)}`;
}

export function caseHandlers(services: AppServices) {
  const { caseRepo, cases, directory, storage, log } = services;

  async function retentionOf(c: CaseRecord, viewer: Member): Promise<Dto.CaseRetention> {
    const due = await services.retention.reviewOf(c.schoolId, c.id);
    return {
      reviewDue: due ? { dueAt: due.dueAt, lines: due.lines } : null,
      kept: c.retentionReview ? { by: c.retentionReview.by.name, at: c.retentionReview.at, reason: c.retentionReview.reason, keepUntil: c.retentionReview.keepUntil } : null,
      canReview: Boolean(due) && canHold(viewer),
    };
  }
  const now = () => services.clock();

  /** The evidence a request names, on a case the caller may see (else 404), with its number in the case. */
  async function visibleEvidence(ctx: TabContext, req: Request): Promise<{ caseId: string; ev: EvidenceRecord; n: number }> {
    const caseId = caseIdOf(req);
    const evidenceId = String(req.params.evidenceId ?? '');
    if (!EVIDENCE_ID.test(evidenceId)) throw new BadRequestError('evidence id: not valid');
    const d = await cases.getVisible(ctx.member, caseId);
    const all = inReceiptOrder(d.evidence);
    const i = all.findIndex((v) => v.id === evidenceId);
    if (i < 0) throw new NotFoundError('No such evidence.');
    return { caseId, ev: all[i], n: i + 1 };
  }

  /** Every page of a list with the caller's visibility, for counts and the chart (index rows only). */
  /** `createdAfter`: closed cases created after then only. */
  async function scanAll(ctx: TabContext, which: 'open' | 'closed', createdAfter?: Date): Promise<CaseSummary[]> {
    const filter = visibilityFilter(ctx.member);
    const out: CaseSummary[] = [];
    let token: string | undefined;
    do {
      const opts = { filter, pageSize: 1000, continuationToken: token };
      const page =
        which === 'open'
          ? await caseRepo.listOpen(ctx.school.id, opts)
          : createdAfter
            ? await caseRepo.listClosedAfter(ctx.school.id, createdAfter.toISOString(), opts)
            : await caseRepo.listClosed(ctx.school.id, opts);
      out.push(...page.items.filter((s) => canView(ctx.member, s)));
      token = page.continuationToken;
    } while (token && out.length < 50_000);
    return out;
  }

  return {
    async list(ctx: TabContext, req: Request, res: Response) {
      const members = await directory.members(ctx.school.id);
      const q = parseListQuery((req.query ?? {}) as Record<string, unknown>, ctx.member.aadObjectId, (aad) => members.some((m) => m.aadObjectId === aad));
      const filter = [visibilityFilter(ctx.member), ...q.clauses].join(' and ');
      const items: CaseSummary[] = [];
      let token = q.continuationToken;
      // A filtered page can come back short (even empty) with a token: read on, a few pages at most.
      for (let i = 0; i < 5; i++) {
        const page = await caseRepo.listOpen(ctx.school.id, { filter, pageSize: q.pageSize - items.length, continuationToken: token });
        items.push(...page.items.filter((s) => canView(ctx.member, s)));
        token = page.continuationToken;
        if (!token || items.length >= q.pageSize) break;
      }
      const t = now();
      res.send(200, { items: items.map((s) => presentSummary(s, t)), continuationToken: token ?? null } satisfies Dto.CasePage);
    },

    async stats(ctx: TabContext, _req: Request, res: Response) {
      const t = now();
      const open = await scanAll(ctx, 'open');
      const from = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() - 11, 1));
      // The closed list is newest first: it is read only as far back as the chart's first day.
      const closed = await scanAll(ctx, 'closed', from);
      const months: string[] = [];
      for (let i = 0; i < 12; i++) months.push(new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + i, 1)).toISOString().slice(0, 7));
      // Each kind's categories are its own (a request's platform, a declaration's relationship): never mixed.
      const byCategory = new Map<string, { kind: CaseKind; category: string; counts: number[] }>();
      for (const s of [...open, ...closed]) {
        const m = months.indexOf(s.createdAt.slice(0, 7));
        if (m < 0) continue;
        const key = `${s.kind}|${s.category}`;
        const row = byCategory.get(key) ?? { kind: s.kind, category: s.category, counts: new Array<number>(12).fill(0) };
        row.counts[m]++;
        byCategory.set(key, row);
      }
      const categories = [...byCategory.values()]
        .map(({ kind, category, counts }) => ({ kind, kindLabel: KIND_LABELS[kind as SubmittedKind] ?? 'Other', category, label: categoryLabelOf(kind, category), counts, total: counts.reduce((a, b) => a + b, 0) }))
        .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
      const flags = open.map((s) => overdueFlags(s, t));
      res.send(200, {
        open: open.length,
        bySeverity: { high: open.filter((s) => s.severity === 'high').length, medium: open.filter((s) => s.severity === 'medium').length, low: open.filter((s) => s.severity === 'low').length },
        byKind: { incident: open.filter((s) => s.kind === 'incident').length, accountRequest: open.filter((s) => s.kind === 'accountRequest').length, familyDeclaration: open.filter((s) => s.kind === 'familyDeclaration').length, postProposal: open.filter((s) => s.kind === 'postProposal').length },
        unassigned: open.filter((s) => !s.assignee).length,
        alertsUnacknowledged: flags.filter((f) => f.alertUnacknowledged).length,
        untouched: flags.filter((f) => f.untouched).length,
        chart: {
          months,
          kinds: KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind], total: categories.filter((c) => c.kind === kind).reduce((a, c) => a + c.total, 0) })),
          categories,
        },
      } satisfies Dto.Stats);
    },

    async detail(ctx: TabContext, req: Request, res: Response) {
      const d = await cases.view(ctx.member, caseIdOf(req));
      res.send(200, presentDetail(d, ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },

    /** Where the case stands under the retention schedule: a review due, or the review that kept it. */
    async retention(ctx: TabContext, req: Request, res: Response) {
      const d = await cases.getVisible(ctx.member, caseIdOf(req));
      res.send(200, await retentionOf(d.case, ctx.member));
    },

    /** The review at the end of the retention period (the DSL or the head): `decision` keep (with `years`) or destroy, with a reason. */
    async review(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const b = bodyOf(req);
      const decision = b.decision;
      if (decision !== 'keep' && decision !== 'destroy') throw new BadRequestError('decision: keep or destroy');
      const years = b.years === undefined ? 0 : Number(b.years);
      const r = await services.retention.review(ctx.member, caseId, decision, text(b, 'reason', true)!, years);
      log.info({ caseId, actor: ctx.member.aadObjectId, decision }, 'retention review decided');
      if (r.destroyed) res.send(200, { destroyed: true } satisfies Dto.CaseRetentionDecision);
      else res.send(200, { destroyed: false, retention: await retentionOf((await cases.getVisible(ctx.member, caseId)).case, ctx.member) } satisfies Dto.CaseRetentionDecision);
    },

    async assignees(ctx: TabContext, req: Request, res: Response) {
      const d = await cases.getVisible(ctx.member, caseIdOf(req));
      const s = summaryOf(d.case);
      const people = (await directory.members(ctx.school.id)).filter((m) => canView(m, s));
      res.send(200, { items: people.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name, jobTitle: m.jobTitle ?? null })) } satisfies Dto.Items<Dto.Person>);
    },

    /**
     * The case page's blurred thumbnails, all in one answer (one access check, one round trip; about 10 to 30 KB
     * each): not views (nobody sees a picture through the blur), so not recorded; the case itself was recorded
     * as viewed when it was opened. `src` is null for a file of which no preview can be made.
     */
    async evidenceThumbnails(ctx: TabContext, req: Request, res: Response) {
      const d = await cases.getVisible(ctx.member, caseIdOf(req));
      const items = await Promise.all(
        inReceiptOrder(d.evidence).map(async (v) => {
          const bytes = await services.previews.get(v, 'thumb').catch((e: Error) => {
            log.warn({ evidenceId: v.id, errorName: e.name }, 'thumbnail could not be read');
            return undefined;
          });
          return { id: v.id, src: bytes ? `data:${PREVIEW_CONTENT_TYPE};base64,${bytes.toString('base64')}` : null };
        }),
      );
      res.header('Cache-Control', 'no-store, private');
      res.send(200, { items } satisfies Dto.Items<Dto.Thumbnail>);
    },

    /** The display copy, which the person chose to see: one view of that picture by that person, recorded before a byte is sent. */
    async evidenceDisplay(ctx: TabContext, req: Request, res: Response) {
      const { caseId, ev, n } = await visibleEvidence(ctx, req);
      const bytes = await services.previews.get(ev, 'display');
      if (!bytes) throw new NotFoundError('No preview of this file.');
      await caseRepo.addEvent(ctx.school.id, caseId, { type: 'evidenceViewed', actor: personRef(ctx.member), detail: `Evidence ${n}`, data: { evidenceId: ev.id } }, now().toISOString());
      log.info({ caseId, evidenceId: ev.id, actor: ctx.member.aadObjectId }, 'evidence viewed');
      sendPreview(res, ev.id, 'display', bytes);
    },

    /**
     * The original as received (for a referral to the police, say): the designated safeguarding lead and the
     * headteacher only, recorded as a download (not a view) with the SHA-256 the file can be checked against.
     */
    async evidenceOriginal(ctx: TabContext, req: Request, res: Response) {
      const { caseId, ev, n } = await visibleEvidence(ctx, req);
      if (!canDownloadOriginals(ctx.member)) throw new ForbiddenError('Only the designated safeguarding lead and the headteacher can download original evidence.');
      let download;
      try {
        download = await storage.evidence.getBlobClient(ev.blobName).download();
      } catch (e) {
        if (isNotFound(e)) throw new NotFoundError('The evidence file is missing from storage.');
        throw e;
      }
      // Recorded before a byte is sent: no download of evidence goes unrecorded.
      await caseRepo.addEvent(
        ctx.school.id,
        caseId,
        { type: 'evidenceDownloaded', actor: personRef(ctx.member), detail: `Evidence ${n}, SHA-256 ${ev.sha256}`, data: { evidenceId: ev.id, sha256: ev.sha256 } },
        now().toISOString(),
      );
      const ext = ORIGINAL_EXTENSIONS[ev.contentType] ?? 'bin';
      const headers: Record<string, string | number> = {
        'Content-Type': ext === 'bin' ? 'application/octet-stream' : ev.contentType,
        // Always a download, never shown in the page: the original keeps its metadata (a phone photo's GPS).
        'Content-Disposition': `attachment; filename="evidence-${ev.id}.${ext}"`,
        'X-Evidence-SHA256': ev.sha256,
        ...SAFE_FILE_HEADERS,
      };
      if (download.contentLength !== undefined) headers['Content-Length'] = download.contentLength;
      res.writeHead(200, headers);
      log.info({ caseId, evidenceId: ev.id, actor: ctx.member.aadObjectId }, 'evidence original downloaded');
      if (download.readableStreamBody) await pipeline(download.readableStreamBody, res);
      else res.end();
    },

    async assign(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const aad = text(bodyOf(req), 'assigneeAad', true)!;
      const assignee = await directory.member(ctx.school.id, aad);
      if (!assignee) throw new BadRequestError('assigneeAad: not a member of this school');
      await cases.assign(ctx.member, caseId, assignee);
      log.info({ caseId, actor: ctx.member.aadObjectId, assignee: aad }, 'case assigned');
      res.send(200, presentDetail(await cases.getVisible(ctx.member, caseId), ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },

    async note(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      await cases.note(ctx.member, caseId, text(bodyOf(req), 'text', true)!);
      log.info({ caseId, actor: ctx.member.aadObjectId }, 'case noted');
      res.send(200, presentDetail(await cases.getVisible(ctx.member, caseId), ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },

    async status(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const b = bodyOf(req);
      const status = text(b, 'status', true)!;
      if (!(STATUSES as string[]).includes(status)) throw new BadRequestError('status: not a known value');
      await cases.changeStatus(ctx.member, caseId, status as CaseStatus, text(b, 'outcome', false));
      log.info({ caseId, actor: ctx.member.aadObjectId, status }, 'case status changed');
      res.send(200, presentDetail(await cases.getVisible(ctx.member, caseId), ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },

    async referral(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const b = bodyOf(req);
      const body = text(b, 'body', true)!;
      if (!(REFERRAL_BODIES as readonly string[]).includes(body)) throw new BadRequestError('body: not a known value');
      const reference = text(b, 'reference', true)!;
      const at = text(b, 'at', true)!;
      const referredByAad = optionalText(b, 'referredByAad');
      let referredBy = personRef(ctx.member);
      if (referredByAad) {
        const m = AAD.test(referredByAad) ? await directory.member(ctx.school.id, referredByAad) : undefined;
        if (!m) throw new BadRequestError('referredByAad: not a member of this school');
        referredBy = personRef(m);
      }
      await cases.recordReferral(ctx.member, caseId, { body, reference, at, note: optionalText(b, 'note'), referredBy });
      log.info({ caseId, actor: ctx.member.aadObjectId, body }, 'referral recorded');
      res.send(200, presentDetail(await cases.getVisible(ctx.member, caseId), ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },

    /** Place a legal hold (`lift: true`: lift it), with a reason: the DSL or the head. Recorded in the chronology. */
    async hold(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      const b = bodyOf(req);
      const reason = text(b, 'reason', true)!;
      const lift = b.lift === true;
      await (lift ? services.retention.liftHold(ctx.member, caseId, reason) : services.retention.placeHold(ctx.member, caseId, reason));
      log.info({ caseId, actor: ctx.member.aadObjectId, lift }, 'legal hold changed');
      res.send(200, presentDetail(await cases.getVisible(ctx.member, caseId), ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },

    async acknowledge(ctx: TabContext, req: Request, res: Response) {
      const caseId = caseIdOf(req);
      // The domain has every DSL's alert card in Teams updated, as when it is acknowledged on the card.
      const r = await cases.acknowledgeAlert(ctx.member, caseId, 'tab');
      log.info({ caseId, actor: ctx.member.aadObjectId, first: r.first }, 'alert acknowledged');
      res.send(200, presentDetail(await cases.getVisible(ctx.member, caseId), ctx.member, ctx.school.headTitle, now(), services.policies.of(ctx.school)));
    },
  };
}
