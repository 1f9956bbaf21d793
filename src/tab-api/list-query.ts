import { odataString } from '../storage/keys.js';
import type { CaseSummary } from '../domain/cases/types.js';
import { CATEGORIES, KINDS, SEVERITIES, STATUSES } from './vocabulary.js';
import { AAD } from './input.js';
import { BadRequestError } from './errors.js';
import { addSchoolDays } from '../domain/school-days.js';

export interface ListQuery {
  /** OData clauses built only from values checked against the known vocabularies. */
  clauses: string[];
  pageSize: number;
  continuationToken?: string;
}

const TOKEN = /^[A-Za-z0-9+/=_-]{1,2048}$/;

function one(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw new BadRequestError(`${name}: give one value`);
  return v;
}

function oneOf<T extends string>(q: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const v = one(q, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new BadRequestError(`${name}: not a known value`);
  return v as T;
}

/**
 * The case list's query string → OData clauses. Every value is checked against a known vocabulary (or the
 * shape of an Entra object id) before it is quoted, so nothing a caller sends reaches the filter raw.
 * `assignee` is `me`, `none` or an object id; `isMember` says whether that id belongs to the school.
 */
export function parseListQuery(q: Record<string, unknown>, me: string, isMember: (aad: string) => boolean): ListQuery {
  const known = new Set(['kind', 'category', 'status', 'severity', 'assignee', 'pageSize', 'continuationToken']);
  for (const k of Object.keys(q)) if (!known.has(k)) throw new BadRequestError(`${k}: unknown parameter`);
  const clauses: string[] = [];
  const kind = oneOf(q, 'kind', KINDS);
  if (kind) clauses.push(`kind eq ${odataString(kind)}`);
  const category = oneOf(q, 'category', CATEGORIES);
  if (category) clauses.push(`category eq ${odataString(category)}`);
  const status = oneOf(q, 'status', STATUSES);
  if (status) clauses.push(`status eq ${odataString(status)}`);
  const severity = oneOf(q, 'severity', SEVERITIES);
  if (severity) clauses.push(`severity eq ${odataString(severity)}`);
  const assignee = one(q, 'assignee');
  if (assignee === 'none') clauses.push(`assigneeAad eq ''`);
  else if (assignee === 'me') clauses.push(`assigneeAad eq ${odataString(me)}`);
  else if (assignee !== undefined) {
    if (!AAD.test(assignee) || !isMember(assignee)) throw new BadRequestError('assignee: not a member of this school');
    clauses.push(`assigneeAad eq ${odataString(assignee)}`);
  }
  const size = one(q, 'pageSize');
  let pageSize = 25;
  if (size !== undefined) {
    if (!/^\d{1,3}$/.test(size) || Number(size) < 1 || Number(size) > 100) throw new BadRequestError('pageSize: 1 to 100');
    pageSize = Number(size);
  }
  const continuationToken = one(q, 'continuationToken');
  if (continuationToken !== undefined && !TOKEN.test(continuationToken)) throw new BadRequestError('continuationToken: not valid');
  return { clauses, pageSize, continuationToken };
}

const MINUTE = 60_000;
export const ALERT_ACK_MINUTES = 15;
export const UNTOUCHED_SCHOOL_DAYS = 5;

export interface OverdueFlags {
  /** A safeguarding alert nobody has acknowledged after 15 minutes. */
  alertUnacknowledged: boolean;
  /** An open case nobody has changed for 5 school days. */
  untouched: boolean;
}

export function overdueFlags(s: Pick<CaseSummary, 'safeguarding' | 'acknowledged' | 'createdAt' | 'updatedAt' | 'status'>, now: Date): OverdueFlags {
  const created = Date.parse(s.createdAt);
  const alertUnacknowledged = s.safeguarding && !s.acknowledged && now.getTime() - created > ALERT_ACK_MINUTES * MINUTE;
  const untouched = now.getTime() > addSchoolDays(new Date(Date.parse(s.updatedAt)), UNTOUCHED_SCHOOL_DAYS).getTime();
  return { alertUnacknowledged, untouched };
}
