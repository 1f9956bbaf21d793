import type { SchoolHours } from '../policy/profile.js';

/**
 * Quiet by default: the app messages staff about the policy only within the school's days and hours, in the
 * school's own time zone. Pure functions over the profile's `rollout.hours`.
 */

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formats.set(zone, f);
  }
  return f;
}

/** The wall clock in `zone` at an instant: the date, the weekday (1 Monday … 7 Sunday) and "hh:mm". */
export function wallClock(zone: string, at: Date): { date: string; weekday: number; time: string } {
  const p = Object.fromEntries(format(zone).formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, weekday: WEEKDAYS[p.weekday], time: `${p.hour}:${p.minute}` };
}

/** The instant of a wall-clock time (`yyyy-mm-dd`, `hh:mm`) in `zone`; right on both sides of a clock change. */
export function instantOf(zone: string, date: string, time: string): Date {
  const utc = Date.parse(`${date}T${time}:00Z`);
  const offsetAt = (t: number) => {
    const w = wallClock(zone, new Date(t));
    return Date.parse(`${w.date}T${w.time}:00Z`) - Math.floor(t / 60_000) * 60_000;
  };
  return new Date(utc - offsetAt(utc - offsetAt(utc)));
}

/** Whether the school is open (one of its days, from `start` up to but not including `end`). */
export function withinHours(h: SchoolHours, at: Date): boolean {
  const w = wallClock(h.timeZone, at);
  return h.days.includes(w.weekday) && w.time >= h.start && w.time < h.end;
}

/** `at` if the school is open then, otherwise when it next opens. */
export function nextOpening(h: SchoolHours, at: Date): Date {
  if (withinHours(h, at)) return at;
  const w = wallClock(h.timeZone, at);
  const day = new Date(`${w.date}T12:00:00Z`);
  for (let i = 0; i < 8; i++) {
    const weekday = ((w.weekday - 1 + i) % 7) + 1;
    if (h.days.includes(weekday) && (i > 0 || w.time < h.start)) {
      return instantOf(h.timeZone, day.toISOString().slice(0, 10), h.start);
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return at; // unreachable with at least one day
}

/** `from` plus n of the school's days, at the same wall-clock time (school holidays are not known: counted as days). */
export function addDaysOfSchool(h: SchoolHours, from: Date, n: number): Date {
  const w = wallClock(h.timeZone, from);
  const day = new Date(`${w.date}T12:00:00Z`);
  let weekday = w.weekday;
  let left = n;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    weekday = (weekday % 7) + 1;
    if (h.days.includes(weekday)) left--;
  }
  return instantOf(h.timeZone, day.toISOString().slice(0, 10), w.time);
}
