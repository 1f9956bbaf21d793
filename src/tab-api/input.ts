import type { Request } from 'restify';
import { BadRequestError, NotFoundError } from './errors.js';

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
