import type { Request } from 'restify';
import { BadRequestError, NotFoundError } from './errors.js';
import { isAccountPlatform, type AccountPlatform } from '../domain/account-requests/minimum-age.js';
import type { ConsentFields } from '../domain/consent/consent.js';

/** What the tab API accepts from a caller: every id, body and text field is checked here before use. */

/** A case id as the repository makes them. */
export const CASE_ID = /^[0-9a-f]{16}$/;
/** An Entra object id (a GUID). */
export const AAD = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const MAX_TEXT = 4000;

/** The `:id` of a case route; anything that cannot be a case id is a 404, as a case that does not exist. */
export function caseIdOf(req: Request): string {
  const id = String(req.params?.id ?? '');
  if (!CASE_ID.test(id)) throw new NotFoundError('No such case.');
  return id;
}

/** An Entra object id from the route (`name`), or a 400 with `message`. */
export function aadParam(req: Request, name: string, message: string): string {
  const aad = String(req.params?.[name] ?? '');
  if (!AAD.test(aad)) throw new BadRequestError(message);
  return aad;
}

/** The JSON body, which must be an object. */
export function bodyOf(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new BadRequestError('Expected a JSON object.');
  return b as Record<string, unknown>;
}

/** A text field as sent (at most 4,000 characters); missing or empty is undefined, or a 400 when `required`. */
export function text(b: Record<string, unknown>, name: string, required: boolean): string | undefined {
  const v = b[name];
  if (v === undefined || v === null || v === '') {
    if (required) throw new BadRequestError(`${name}: required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new BadRequestError(`${name}: must be text`);
  if (v.length > MAX_TEXT) throw new BadRequestError(`${name}: at most 4,000 characters`);
  return v;
}

/** An optional text field, trimmed; blank is undefined. */
export function optionalText(b: Record<string, unknown>, name: string): string | undefined {
  return text(b, name, false)?.trim() || undefined;
}

/** A pupil id of the photo-consent register: an MIS UPN or admission number, or one the register generated. */
export const PUPIL_ID = /^[A-Za-z0-9-]{1,20}$/;

/** One pupil's consent as the tab sends it. */
export function consentFieldsOf(b: Record<string, unknown>): ConsentFields {
  const name = optionalText(b, 'name');
  const classOrYear = optionalText(b, 'classOrYear');
  if (!name) throw new BadRequestError('name: required');
  if (name.length > 120) throw new BadRequestError('name: at most 120 characters');
  if (!classOrYear) throw new BadRequestError('classOrYear: required');
  if (classOrYear.length > 40) throw new BadRequestError('classOrYear: at most 40 characters');
  const platforms = b.platforms;
  if (!Array.isArray(platforms) || platforms.some((p) => typeof p !== 'string' || !isAccountPlatform(p))) throw new BadRequestError('platforms: a list of platform keys');
  const flag = (k: string): boolean => {
    if (typeof b[k] !== 'boolean') throw new BadRequestError(`${k}: true or false`);
    return b[k] as boolean;
  };
  return { name: name.replace(/\s+/g, ' '), classOrYear, platforms: platforms as AccountPlatform[], consentForNames: flag('consentForNames'), doNotPublish: flag('doNotPublish') };
}

/** `?q=` (part of a name) and `?class=` (one class or year group) on the register; nothing else. */
export function consentSearchOf(q: Record<string, unknown>): { q?: string; classOrYear?: string } {
  for (const k of Object.keys(q)) if (k !== 'q' && k !== 'class') throw new BadRequestError(`${k}: unknown parameter`);
  const one = (k: string) => {
    const v = q[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || v.length > 120) throw new BadRequestError(`${k}: one short text`);
    return v.trim() || undefined;
  };
  return { q: one('q'), classOrYear: one('class') };
}
