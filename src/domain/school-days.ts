import { fromLondonDateTime, londonDateTime } from './time.js';

/**
 * Working days as the school counts them: Monday to Friday of the UK calendar (Europe/London), at the same
 * wall-clock time. Bank holidays and school holidays are not known to the app, so they are counted as
 * working days: a deadline the app shows is never later than the real one.
 */

const MINUTE = 60_000;

/** `from` plus n working days (Monday to Friday in the UK), at the same UK time of day. */
export function addSchoolDays(from: Date, n: number): Date {
  const wall = londonDateTime(from);
  const day = new Date(`${wall.slice(0, 10)}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    day.setUTCDate(day.getUTCDate() + 1);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  const seconds = from.getTime() - Math.floor(from.getTime() / MINUTE) * MINUTE;
  return new Date(fromLondonDateTime(`${day.toISOString().slice(0, 10)}${wall.slice(10)}`)!.getTime() + seconds);
}
