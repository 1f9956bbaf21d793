import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { AppServices } from '../services.js';
import { EvidenceRefusal } from './meter.js';
import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_REPORT, REFUSAL_TEXT, describeImage } from './evidence-service.js';
import { parseUploadToken, verifyUploadGrant } from './upload-link.js';
import type { LinkRow } from './draft-store.js';
import { UploadNotices } from './upload-notices.js';
import { UPLOAD_ASSET_PATH, UPLOAD_CSS, UPLOAD_JS, UPLOAD_PAGE_CSP, uploadGonePage, uploadPageHtml } from './upload-page.js';

const SESSION_RE = /^[A-Za-z0-9_-]{22,64}$/;
/** The school and draft segments of a link (school ids: src/domain/directory/directory.ts; draft ids are random hex). */
const SCHOOL_RE = /^[a-z0-9-]{2,40}$/;
const DRAFT_RE = /^[A-Za-z0-9_-]{1,64}$/;

/** HTTP status of each refusal: the draft is full (409), takes no images or not from this link (403), too big (413), busy (503); the rest are not pictures (415). */
const REFUSAL_STATUS: Partial<Record<EvidenceRefusal['reason'], number>> = { limit: 409, submitted: 409, noDraft: 410, notAllowed: 403, noImages: 403, tooLarge: 413, busy: 503 };

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function sendHtml(res: Response, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': UPLOAD_PAGE_CSP,
    'cache-control': 'no-store',
  });
  res.end(html);
}

function sendJson(res: Response, status: number, body: unknown, close = false): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify(body));
}

/**
 * The evidence upload page and its API. A link from the chat (signed with LINK_SIGNING_SECRET, bound to the
 * school, the person and their draft, valid 30 minutes) opens the page once: the first opening claims the
 * link for that page session, and every upload must carry the session id. Uploads are streamed into the
 * private container with the same checks as chat screenshots.
 */
export function mountEvidenceRoutes(services: AppServices): (server: Server) => void {
  const { evidence, config, log, directory } = services;
  const now = () => services.clock().getTime();
  const notices = new UploadNotices({ refs: services.refs, sender: services.sender, log, track: services.track });

  /** Why a draft takes no more screenshots, in the reporter's terms (a sent report is named by its reference). */
  async function closedDraftText(schoolId: string, draftId: string, reason: 'submitted' | 'noDraft'): Promise<string> {
    if (reason === 'noDraft') return `Not saved: ${REFUSAL_TEXT.noDraft}.`;
    const c = await services.caseRepo.bySubmission(schoolId, draftId).catch(() => undefined);
    if (c?.kind === 'incident') {
      return `Not saved: report ${c.reference} has already been sent. To add screenshots to it, type "my submissions" in the chat and press "Add screenshots" on ${c.reference}.`;
    }
    return c ? `Not saved: ${c.reference} has already been sent, so this link takes no more pictures.` : `Not saved: ${REFUSAL_TEXT.submitted}.`;
  }

  const invalid = { status: 404, message: 'This link is not valid.' };
  const expired = { status: 410, message: 'This link has expired. Go back to the chat and press the upload button again for a new one.' };
  const used = 'This link has already been used. Go back to the chat and press the upload button again for a new one.';
  type Refused = { status: number; message: string };

  const params = (req: Request) => req.params as { token?: string; school?: string; draft?: string };

  /**
   * The link a request names, if its token is genuine and current and it has been opened (its row exists).
   * A link with its school and draft in the path must name the ones its row holds.
   */
  async function linkFor(req: Request): Promise<{ link: LinkRow } | Refused> {
    const p = params(req);
    const t = parseUploadToken(String(p.token ?? ''));
    if (!t) return invalid;
    const link = await evidence.link(t.linkId);
    if (!link) return invalid;
    if (p.school !== undefined && (p.school !== link.schoolId || p.draft !== link.draftId)) return invalid;
    const check = verifyUploadGrant(config.linkSigningSecret, t, { schoolId: link.schoolId, aad: link.ownerAad, draftId: link.draftId }, now());
    if (!check.ok) return check.reason === 'expired' ? expired : invalid;
    return { link };
  }

  /**
   * First opening of a link `/upload/<school>/<draft>/<token>`: the owner comes from the draft row, the MAC
   * must cover school, owner and draft, and the link's row is created now, claimed for this page session;
   * it exists already if the link was opened before (single use).
   */
  async function openLink(req: Request, sessionId: string): Promise<{ link: LinkRow } | Refused> {
    const p = params(req);
    const schoolId = String(p.school ?? '');
    const draftId = String(p.draft ?? '');
    const t = parseUploadToken(String(p.token ?? ''));
    if (!t || !SCHOOL_RE.test(schoolId) || !DRAFT_RE.test(draftId)) return invalid;
    const ownerAad = await evidence.draftOwnerAad(schoolId, draftId);
    if (!ownerAad) return invalid;
    const check = verifyUploadGrant(config.linkSigningSecret, t, { schoolId, aad: ownerAad, draftId }, now());
    if (!check.ok) return check.reason === 'expired' ? expired : invalid;
    const link: LinkRow = { linkId: t.linkId, schoolId, draftId, ownerAad, expiresAt: new Date(t.exp * 1000).toISOString(), sessionId };
    if (!(await evidence.openLink(link))) return { status: 410, message: used };
    return { link };
  }

  /** Links handed out before links carried their draft: their row was written then, and is claimed now. */
  async function openStoredLink(req: Request, sessionId: string): Promise<{ link: LinkRow } | Refused> {
    const g = await linkFor(req);
    if (!('link' in g)) return g;
    if (!(await evidence.claimLink(g.link, sessionId))) return { status: 410, message: used };
    return { link: { ...g.link, sessionId } };
  }

  return (server: Server) => {
    server.get(`${UPLOAD_ASSET_PATH}/upload.js`, async (_req: Request, res: Response) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' });
      res.end(UPLOAD_JS);
    });
    server.get(`${UPLOAD_ASSET_PATH}/upload.css`, async (_req: Request, res: Response) => {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' });
      res.end(UPLOAD_CSS);
    });

    const openPage = (open: typeof openLink) => async (req: Request, res: Response) => {
      const sessionId = randomBytes(24).toString('base64url');
      const g = await open(req, sessionId);
      if (!('link' in g)) return sendHtml(res, g.status, uploadGonePage(g.message));
      const { link } = g;
      const owner = { schoolId: link.schoolId, aad: link.ownerAad, draftId: link.draftId };
      const { state, caseId } = await evidence.draftState(link.schoolId, link.draftId);
      if (state !== 'open') {
        const text = await closedDraftText(link.schoolId, link.draftId, state === 'gone' ? 'noDraft' : 'submitted');
        return sendHtml(res, state === 'gone' ? 410 : 409, uploadGonePage(text.replace(/^Not saved: (.)/, (_m, c: string) => c.toUpperCase())));
      }
      // An addition names the report it adds to, and counts what that report holds already.
      const [school, received, sent] = await Promise.all([
        directory.school(link.schoolId),
        evidence.list(owner),
        caseId ? services.caseRepo.get(link.schoolId, caseId) : undefined,
      ]);
      log.info({ draftId: link.draftId, linkId: link.linkId }, 'upload page opened');
      sendHtml(res, 200, uploadPageHtml({
        sessionId,
        schoolName: school?.name ?? 'your school',
        max: MAX_IMAGES_PER_REPORT,
        alreadyReceived: sent ? sent.evidence.length : received.length,
        reference: sent?.case.reference,
      }));
    };
    server.get('/upload/:school/:draft/:token', openPage(openLink));
    server.get('/upload/:token', openPage(openStoredLink));

    // The page posts to /api/upload/<token> (its row exists once the page is open); the full path works too.
    const upload = async (req: Request, res: Response) => {
      const refuse = (status: number, error: string) => {
        req.resume(); // discard what was not read, then answer
        sendJson(res, status, { error }, true);
      };
      const g = await linkFor(req);
      if (!('link' in g)) return refuse(g.status === 410 ? 410 : 403, g.message);
      const { link } = g;
      const session = String(req.headers['x-upload-session'] ?? '');
      if (!SESSION_RE.test(session) || !link.sessionId || !sameSecret(link.sessionId, session)) {
        return refuse(403, 'This upload is not allowed. Open the link from the chat again.');
      }
      const declared = Number(req.headers['content-length'] ?? '');
      if (Number.isFinite(declared) && declared > MAX_IMAGE_BYTES) return refuse(413, `Not saved: ${REFUSAL_TEXT.tooLarge}.`);
      const owner = { schoolId: link.schoolId, aad: link.ownerAad, draftId: link.draftId };
      let name = 'screenshot';
      try {
        name = decodeURIComponent(String(req.headers['x-file-name'] ?? 'screenshot'));
      } catch {
        // keep the default
      }
      try {
        // The draft's limit is checked and a slot taken in one step (uploads run in parallel), before the body is read.
        const { record } = await evidence.receive(owner, req, name, 'upload');
        const { caseId } = await evidence.draftState(link.schoolId, link.draftId);
        if (caseId) {
          // An addition to a report already sent: the picture goes on the case now (recorded, the DSL told).
          let c;
          try {
            c = await services.cases.addEvidence(link.ownerAad, link.schoolId, caseId, [record]);
          } catch (e) {
            await evidence.remove(owner, record).catch(() => undefined);
            throw e;
          }
          const total = (await services.caseRepo.get(link.schoolId, caseId))?.evidence.length ?? 0;
          sendJson(res, 201, { received: total, message: `Added to ${c.reference} (${describeImage(record)}). ${total} of up to ${MAX_IMAGES_PER_REPORT} on the report.` });
          notices.received(owner, total, c.reference);
          return;
        }
        const count = (await evidence.list(owner)).length;
        sendJson(res, 201, { received: count, message: `Received (${describeImage(record)}). ${count} of up to ${MAX_IMAGES_PER_REPORT} for this report.` });
        notices.received(owner, count);
      } catch (e) {
        if (e instanceof EvidenceRefusal && (e.reason === 'submitted' || e.reason === 'noDraft')) {
          return refuse(REFUSAL_STATUS[e.reason]!, await closedDraftText(link.schoolId, link.draftId, e.reason));
        }
        if (e instanceof EvidenceRefusal) return refuse(REFUSAL_STATUS[e.reason] ?? 415, `Not saved: ${REFUSAL_TEXT[e.reason]}.`);
        log.warn({ draftId: link.draftId, errorName: (e as Error).name }, 'upload failed');
        return refuse(500, 'Not saved: something went wrong on our side. Please try again.');
      }
    };
    server.post('/api/upload/:school/:draft/:token', upload);
    server.post('/api/upload/:token', upload);
  };
}
