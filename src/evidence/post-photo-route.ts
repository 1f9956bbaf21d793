import type { Request, Response, Server } from 'restify';
import type { AppServices } from '../services.js';
import { PHOTO_PATH, verifyPhotoLink } from './photo-link.js';
import { PREVIEW_CONTENT_TYPE } from './previews.js';

const SCHOOL_RE = /^[a-z0-9-]{2,40}$/;
const ID_RE = /^[0-9a-f]{16}$/;

/**
 * The thumbnails on a post's approval card: served only through the app, after the signed link is checked
 * (school, case, photo, expiry) and only for a photo of a post proposal. The thumbnail (upright, no EXIF) is
 * derived once and kept beside the original in the private container.
 */
export function mountPostPhotoRoute(services: Pick<AppServices, 'config' | 'caseRepo' | 'previews' | 'log' | 'clock'>): (server: Server) => void {
  const { config, caseRepo, log } = services;
  const refuse = (res: Response, status: number) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(status === 410 ? 'This link has expired.' : 'Not found.');
  };
  return (server) => {
    server.get(`${PHOTO_PATH}/:school/:case/:photo/:token`, async (req: Request, res: Response) => {
      const p = req.params as Record<string, string | undefined>;
      const schoolId = String(p.school ?? '');
      const caseId = String(p.case ?? '');
      const evidenceId = String(p.photo ?? '');
      if (!SCHOOL_RE.test(schoolId) || !ID_RE.test(caseId) || !ID_RE.test(evidenceId)) return refuse(res, 404);
      const check = verifyPhotoLink(config.linkSigningSecret, { schoolId, caseId, evidenceId }, String(p.token ?? ''), services.clock().getTime());
      if (!check.ok) return refuse(res, check.reason === 'expired' ? 410 : 404);
      const d = await caseRepo.get(schoolId, caseId);
      const ev = d?.case.kind === 'postProposal' ? d.evidence.find((v) => v.id === evidenceId) : undefined;
      if (!ev) return refuse(res, 404);
      // The stored thumbnail, or made now (one derivation at a time on this instance) and stored.
      const thumb = await services.previews.get(ev, 'thumb').catch((e: Error) => {
        log.warn({ caseId, evidenceId, errorName: e.name }, 'post photo thumbnail failed');
        return undefined;
      });
      if (!thumb) return refuse(res, 404);
      res.writeHead(200, {
        'content-type': PREVIEW_CONTENT_TYPE,
        'content-length': String(thumb.length),
        'cache-control': 'private, max-age=300',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(thumb);
    });
  };
}
