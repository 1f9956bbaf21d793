/**
 * Referrals outside the school (LADO, ICO, police, children's social care, CEOP, Prevent) and the statutory
 * deadlines a case owes: which referrals its routing requires, when each is due, and whether it is met (a
 * referral to that body is recorded), open, or overdue. Pure and table-tested.
 */
import { addSchoolDays } from '../school-days.js';
import { fromLondonDateTime } from '../time.js';
import { InvalidChangeError } from './errors.js';
import type { CaseRecord, ExternalBody, ExternalReferral, PersonRef, ReferralBody, ReferralWithin } from './types.js';

export const REFERRAL_BODIES: readonly ReferralBody[] = ['lado', 'ico', 'police', 'childrensSocialCare', 'ceop', 'prevent'];
export const REFERENCE_MAX = 100;
export const REFERRAL_NOTE_MAX = 4000;
/** More than any real case makes; a bound on the case row. */
export const MAX_REFERRALS = 30;
/** A referral's time may be a little ahead of the server's clock (the device's clock, a slow form). */
const FUTURE_SKEW_MS = 5 * 60_000;
const HOUR = 3_600_000;

export type DeadlineState = 'met' | 'open' | 'overdue';

export interface StatutoryDeadline {
  body: ExternalBody;
  within: ReferralWithin;
  /** When the referral is due (ISO); null when no time is set. "Immediately" is due when the case was made. */
  due: string | null;
  state: DeadlineState;
  /** The first referral recorded to that body, when met. */
  metBy?: ExternalReferral;
  /** Met, but after the deadline. */
  late?: boolean;
}

/** When a referral owed `within` a time of a case made at `createdAt` is due; null when no time is set. */
export function dueTime(createdAt: string, within: ReferralWithin): string | null {
  const from = new Date(createdAt);
  switch (within) {
    case 'immediately':
      return from.toISOString();
    case 'oneWorkingDay':
      return addSchoolDays(from, 1).toISOString();
    case '72hours':
      return new Date(from.getTime() + 72 * HOUR).toISOString();
    default:
      return null;
  }
}

const earlier = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a <= b ? a : b);

/** The referrals a case owes (one per body, the shortest deadline where routing names one twice), with their state at `now`. */
export function statutoryDeadlines(c: Pick<CaseRecord, 'routing' | 'createdAt' | 'referrals'>, now: Date): StatutoryDeadline[] {
  const byBody = new Map<ExternalBody, { within: ReferralWithin; due: string | null }>();
  for (const e of c.routing.external ?? []) {
    const due = dueTime(c.createdAt, e.within);
    const seen = byBody.get(e.body);
    if (!seen || earlier(seen.due, due) !== seen.due) byBody.set(e.body, { within: e.within, due });
  }
  const made = [...(c.referrals ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  return [...byBody].map(([body, { within, due }]) => {
    const metBy = made.find((r) => r.body === body);
    if (metBy) return { body, within, due, state: 'met' as const, metBy, late: due !== null && Date.parse(metBy.at) > Date.parse(due) };
    const overdue = due !== null && now.getTime() > Date.parse(due);
    return { body, within, due, state: overdue ? ('overdue' as const) : ('open' as const) };
  });
}

/** The referrals still owed (none recorded to that body), for the list's index rows; undefined when none. */
export function referralsOwed(c: Pick<CaseRecord, 'routing' | 'createdAt' | 'referrals'>): Array<{ body: ExternalBody; due: string | null }> | undefined {
  const owed = statutoryDeadlines(c, new Date(0))
    .filter((d) => d.state !== 'met')
    .map(({ body, due }) => ({ body, due }));
  return owed.length ? owed : undefined;
}

/** Whether any owed referral is past its time at `now`, and whether any is still owed at all. */
export function owedState(owed: ReadonlyArray<{ due: string | null }> | undefined, now: Date): 'overdue' | 'open' | null {
  if (!owed?.length) return null;
  return owed.some((o) => o.due !== null && now.getTime() > Date.parse(o.due)) ? 'overdue' : 'open';
}

export interface ReferralInput {
  body: string;
  referredBy: PersonRef;
  /** When the referral was made: an instant with its zone, or a UK date and time `yyyy-mm-ddThh:mm`. */
  at: string;
  reference: string;
  note?: string;
}

// Control characters have no place in a reference number (and would garble the print view).
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A referral as it may be recorded, or InvalidChangeError naming what is wrong. */
export function validReferral(input: ReferralInput, now: Date): Omit<ExternalReferral, 'recordedBy' | 'recordedAt'> {
  if (!(REFERRAL_BODIES as readonly string[]).includes(input.body)) throw new InvalidChangeError('body: not a known body');
  const reference = input.reference.trim();
  if (!reference) throw new InvalidChangeError('reference: required');
  if (reference.length > REFERENCE_MAX) throw new InvalidChangeError(`reference: at most ${REFERENCE_MAX} characters`);
  if (CONTROL.test(reference)) throw new InvalidChangeError('reference: one line of text');
  // A form's UK date and time (no zone), or an instant with its zone.
  const at = fromLondonDateTime(input.at)?.getTime() ?? (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(input.at) ? Date.parse(input.at) : NaN);
  if (Number.isNaN(at)) throw new InvalidChangeError('at: a date and time');
  if (at > now.getTime() + FUTURE_SKEW_MS) throw new InvalidChangeError('at: cannot be in the future');
  const note = input.note?.trim() || undefined;
  if (note && note.length > REFERRAL_NOTE_MAX) throw new InvalidChangeError('note: at most 4,000 characters');
  return { body: input.body as ReferralBody, referredBy: input.referredBy, at: new Date(at).toISOString(), reference, ...(note ? { note } : {}) };
}
