/**
 * The retention schedule: how long each kind of record is kept, and when one is due for destruction (or for
 * review). The periods and their sources live in the policy profiles (the statutory baseline's default, which a
 * school's own profile may override line by line); this file only applies them. Pure: no storage, no clock.
 *
 * Dates are read as the school reads them: a period runs over UK calendar days (Europe/London), and a record
 * kept "six years after it ended" is kept through the whole of the anniversary day and is due from the
 * following midnight, UK time, whatever the clocks did in between.
 */
import { FINAL_STATUSES, type CaseKind, type CaseRecord } from '../cases/types.js';
import type { PolicyProfile, RecordKind, RetentionLine, StatutoryBaseline } from '../policy/profile.js';
import { fromLondonDateTime, londonDate } from '../time.js';

export type ScheduleLine = RetentionLine & { origin: 'baseline' | 'school' };

/** The schedule a school works to: the baseline's lines, each replaced by the school's own line for the same record and match. */
export function effectiveSchedule(baseline: Pick<StatutoryBaseline, 'retention'>, profile: Pick<PolicyProfile, 'retention'> | undefined): ScheduleLine[] {
  const own = new Map((profile?.retention?.lines ?? []).map((l) => [`${l.record}|${l.match}`, l]));
  const out: ScheduleLine[] = baseline.retention.lines.map((l) => {
    const mine = own.get(`${l.record}|${l.match}`);
    own.delete(`${l.record}|${l.match}`);
    return mine ? { ...mine, origin: 'school' as const } : { ...l, origin: 'baseline' as const };
  });
  for (const l of own.values()) out.push({ ...l, origin: 'school' });
  return out;
}

/** What the schedule needs to know of a record. Dates are instants (ISO). */
export interface RetainedRecord {
  /** A kind no line names (a policy rollout's record, say) is unscheduled: never destroyed by the sweeper. */
  kind: RecordKind | CaseKind;
  /** Incidents: the category. */
  category?: string;
  safeguarding?: boolean;
  allegation?: boolean;
  createdAt: string;
  /** When it ended (closed, refused, withdrawn, its account closed); absent while it is live. */
  endedAt?: string;
  /** When the person it belongs to left the school; absent while they are here. */
  leftAt?: string;
  /** A legal hold stops every destruction until it is lifted. */
  legalHold?: boolean;
  /** A person reviewed it and kept it until then: not due before. */
  keepUntil?: string;
}

export type Disposal =
  /** Under a legal hold: kept whatever the schedule says. */
  | { state: 'held' }
  /** Still live (open, or its period has not started): nothing is due. */
  | { state: 'live' }
  /** No line of the schedule covers it: kept, never destroyed by the sweeper. */
  | { state: 'unscheduled' }
  | { state: 'scheduled'; due: string; then: 'destroy' | 'review'; lines: ScheduleLine[] };

function matches(line: ScheduleLine, r: RetainedRecord): boolean {
  if (line.record !== r.kind) return false;
  switch (line.match) {
    case 'any':
      return true;
    case 'safeguarding':
      return Boolean(r.safeguarding);
    case 'allegation':
      return Boolean(r.allegation);
    default:
      return line.match === r.category;
  }
}

/** The UK calendar date `date` (yyyy-mm-dd) plus a period; 29 February plus a year is 28 February. */
export function addPeriod(date: string, p: { years?: number; months?: number; days?: number }): string {
  const [y, m, d] = date.split('-').map(Number);
  const months = (p.years ?? 0) * 12 + (p.months ?? 0);
  const ty = y + Math.floor((m - 1 + months) / 12);
  const tm = ((m - 1 + months) % 12) + 1;
  const lastDay = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const t = new Date(Date.UTC(ty, tm - 1, Math.min(d, lastDay)) + (p.days ?? 0) * 86_400_000);
  return t.toISOString().slice(0, 10);
}

/** The instant a record kept through UK date `lastDay` becomes due: the next midnight in the UK. */
function dueAfter(lastDay: string): string {
  return fromLondonDateTime(`${addPeriod(lastDay, { days: 1 })}T00:00`)!.toISOString();
}

/**
 * When a record is due, and for what. A line for the record's category replaces its kind's `any` line; with
 * the safeguarding and allegation lines that cover it, the longest period wins (a safeguarding concern that is
 * also trolling is kept as a safeguarding concern); if any of them says `review`, a person reviews it instead
 * of it being destroyed.
 */
export function disposalOf(r: RetainedRecord, schedule: readonly ScheduleLine[]): Disposal {
  if (r.legalHold) return { state: 'held' };
  const all = schedule.filter((l) => matches(l, r));
  // A line for the record's own category stands in for the kind's `any` line; safeguarding and allegation lines always count.
  const own = all.some((l) => l.match === r.category);
  const lines = all.filter((l) => !(own && l.match === 'any'));
  if (!lines.length) return { state: 'unscheduled' };
  let due: string | undefined;
  for (const l of lines) {
    const start = l.from === 'created' ? r.createdAt : l.from === 'ended' ? r.endedAt : r.leftAt;
    // A line whose period runs from an end that has not come (still open, still here) holds the record live.
    if (!start) return { state: 'live' };
    const at = dueAfter(addPeriod(londonDate(start), l.keepFor));
    if (!due || at > due) due = at;
  }
  // A case is never due while it is open, whatever its lines count from.
  if (r.kind !== 'conversationRef' && r.kind !== 'directoryEntry' && !r.endedAt) return { state: 'live' };
  if (r.keepUntil && r.keepUntil > due!) due = r.keepUntil;
  return { state: 'scheduled', due: due!, then: lines.some((l) => l.then === 'review') ? 'review' : 'destroy', lines };
}

/**
 * The earliest a record of this kind and category made at `createdAt` could be due: every period starts on or
 * after the day it was made, and the line for its category (or its kind's `any` line) always counts, the longest
 * line winning. Before then the sweeper need not read the record at all.
 */
export function earliestPossibleDue(kind: RecordKind | CaseKind, category: string | undefined, createdAt: string, schedule: readonly ScheduleLine[]): string | undefined {
  const lines = schedule.filter((l) => l.record === kind);
  const base = lines.find((l) => l.match === category) ?? lines.find((l) => l.match === 'any');
  let first: string | undefined;
  for (const l of base ? [base] : lines) {
    const at = dueAfter(addPeriod(londonDate(createdAt), l.keepFor));
    if (!first || at < first) first = at;
  }
  return first;
}

export const isDue = (d: Disposal, now: Date): d is Extract<Disposal, { state: 'scheduled' }> => d.state === 'scheduled' && Date.parse(d.due) <= now.getTime();

/** A case as the schedule sees it. `leftAt`: when its submitter left the school, if they have. */
export function retainedCase(c: CaseRecord, opts: { leftAt?: string; legalHold?: boolean } = {}): RetainedRecord {
  return {
    kind: c.kind,
    category: c.category,
    safeguarding: c.routing.safeguarding,
    allegation: Boolean(c.routing.allegation),
    createdAt: c.createdAt,
    endedAt: endedAt(c, opts.leftAt),
    leftAt: opts.leftAt,
    legalHold: opts.legalHold ?? Boolean(c.legalHold),
    keepUntil: c.retentionReview?.keepUntil,
  };
}

/**
 * When a case ended. A closed incident: its last change (a later note only moves the date on, never back). An
 * approved account request ends when its account is closed; an acknowledged declaration stands while the
 * member of staff is at the school, so it ends when they leave.
 */
function endedAt(c: CaseRecord, leftAt: string | undefined): string | undefined {
  if (!FINAL_STATUSES.has(c.status)) return undefined;
  if (c.kind === 'accountRequest' && c.status === 'approved') {
    const reg = (c.stage as { register?: { closedAt?: string } } | undefined)?.register;
    return reg?.closedAt;
  }
  if (c.kind === 'familyDeclaration' && c.status === 'acknowledged') return leftAt;
  return c.updatedAt;
}
