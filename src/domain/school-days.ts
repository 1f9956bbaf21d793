import { londonDateTime } from './time.js';

/**
 * Working days as the school counts them: Monday to Friday of the UK calendar (Europe/London), at the same
 * wall-clock time. Bank holidays and school holidays are not known to the app, so they are counted as
 * working days: a deadline the app shows is never later than the real one.
 */

const MINUTE = 60_000;

/** The UTC instant of a UK wall-clock time (`y`, `m` 1-12, `d`, `h`, `min`). */
function fromLondon(y: number, m: number, d: number, h: number, min: number): number {
  const wall = Date.UTC(y, m - 1, d, h, min);
  // The offset at a guess, then at the instant that guess gives: right on both sides of a clock change.
  const offsetAt = (t: number) => Date.parse(`${londonDateTime(new Date(t))}:00Z`) - Math.floor(t / MINUTE) * MINUTE;
  const first = wall - offsetAt(wall);
  return wall - offsetAt(first);
}

/** `from` plus n working days (Monday to Friday in the UK), at the same UK time of day. */
export function addSchoolDays(from: Date, n: number): Date {
  const wall = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(londonDateTime(from))!;
  const [y, m, d, h, min] = wall.slice(1).map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  let left = n;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  const seconds = from.getTime() - Math.floor(from.getTime() / MINUTE) * MINUTE;
  return new Date(fromLondon(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), h, min) + seconds);
}
