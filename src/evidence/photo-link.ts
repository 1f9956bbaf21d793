import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A link to one photo's thumbnail of one post proposal, for the approval card: Teams fetches card images
 * without the viewer's credentials, so the link itself is the authority. It is bound by an HMAC (the
 * LINK_SIGNING_SECRET) to the school, the case and the photo, and expires; the card's refresh (each time an
 * approver opens it) signs new ones. The blob's own URL is never shown: the container is private.
 */
export interface PhotoGrant {
  schoolId: string;
  caseId: string;
  evidenceId: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

/** Long enough for an approver to read the card after it arrives; the card's refresh renews it. */
export const PHOTO_LINK_TTL_SECONDS = 60 * 60;
export const PHOTO_PATH = '/api/post-photos';

const mac = (secret: string, g: PhotoGrant) =>
  createHmac('sha256', secret).update(['post-photo', g.schoolId, g.caseId, g.evidenceId, String(g.exp)].join('|')).digest('base64url');

/** `/api/post-photos/<school>/<case>/<photo>/<exp>.<mac>` on the app's public base URL. */
export function signedPhotoUrl(baseUrl: string, secret: string, g: PhotoGrant): string {
  return `${baseUrl}${PHOTO_PATH}/${g.schoolId}/${g.caseId}/${g.evidenceId}/${g.exp}.${mac(secret, g)}`;
}

export type PhotoCheck = { ok: true } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyPhotoLink(secret: string, g: Omit<PhotoGrant, 'exp'>, token: string, nowMs: number): PhotoCheck {
  const m = /^(\d{10})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'invalid' };
  const exp = Number(m[1]);
  const expected = Buffer.from(mac(secret, { ...g, exp }));
  const given = Buffer.from(m[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
