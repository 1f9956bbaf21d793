import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an upload-page link grants: adding screenshots to one person's one draft, until it expires. */
export interface UploadGrant {
  schoolId: string;
  aad: string;
  draftId: string;
  linkId: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export const UPLOAD_LINK_TTL_SECONDS = 30 * 60;

const mac = (secret: string, g: UploadGrant) =>
  createHmac('sha256', secret).update(['upload-link', g.schoolId, g.aad, g.draftId, g.linkId, String(g.exp)].join('|')).digest('base64url');

/**
 * `<linkId>.<exp>.<mac>`: short enough for a URL path segment (the router caps parameters at 100
 * characters). The MAC covers the school, the person and the draft, which the server reads from the
 * link's row and checks here, so a link cannot be moved to another draft or person.
 */
export function signUploadGrant(secret: string, g: UploadGrant): string {
  return `${g.linkId}.${g.exp}.${mac(secret, g)}`;
}

export interface UploadToken {
  linkId: string;
  exp: number;
  mac: string;
}

export function parseUploadToken(token: string): UploadToken | undefined {
  const m = /^([0-9a-f]{16})\.(\d{10})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { linkId: m[1], exp: Number(m[2]), mac: m[3] } : undefined;
}

export type GrantCheck = { ok: true } | { ok: false; reason: 'invalid' | 'expired' };

/** Check a token against the grant recorded for its link (school, person, draft). */
export function verifyUploadGrant(secret: string, t: UploadToken, recorded: Omit<UploadGrant, 'linkId' | 'exp'>, nowMs: number): GrantCheck {
  const expected = Buffer.from(mac(secret, { ...recorded, linkId: t.linkId, exp: t.exp }));
  const given = Buffer.from(t.mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  if (t.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
