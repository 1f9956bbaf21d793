/**
 * Dates and times as people at the school read them: always UK time (Europe/London), whatever the
 * server's or the viewer's device says. The one home for formatting them, used by the bot, the cards and
 * the Cases tab (which bundles this file: it must import nothing).
 */

const ZONE = 'Europe/London';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const weekdayDate = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, weekday: 'long', day: 'numeric', month: 'long' });
const shortDateTime = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const mediumDateTime = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' });
const mediumDate = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, dateStyle: 'medium' });

const toDate = (t: Date | string): Date => (typeof t === 'string' ? new Date(t) : t);

/** An instant as UK wall-clock time, `yyyy-mm-ddThh:mm` (the form a "when" answer is stored in). */
export function londonDateTime(t: Date | string): string {
  const p = Object.fromEntries(wallClock.formatToParts(toDate(t)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * The instant of a UK wall-clock time, `yyyy-mm-ddThh:mm` (as a form's date-and-time field gives it), or
 * undefined when it is not one. In the hour the clocks skip it is read as GMT.
 */
export function fromLondonDateTime(wall: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(wall);
  if (!m) return undefined;
  const [y, mo, d, h, min] = m.slice(1).map(Number);
  const utc = Date.UTC(y, mo - 1, d, h, min);
  if (Number.isNaN(utc) || new Date(utc).getUTCMonth() !== mo - 1 || new Date(utc).getUTCDate() !== d || h > 23 || min > 59) return undefined;
  // The offset at a guess, then at the instant that guess gives: right on both sides of a clock change.
  const offsetAt = (t: number) => Date.parse(`${londonDateTime(new Date(t))}:00Z`) - Math.floor(t / 60_000) * 60_000;
  return new Date(utc - offsetAt(utc - offsetAt(utc)));
}

/** An instant's date in the UK, `yyyy-mm-dd` (a go-live "today" is not in the past at 00:30 BST). */
export function londonDate(t: Date | string): string {
  return londonDateTime(t).slice(0, 10);
}

/**
 * A stored "when" (UK wall-clock time: `yyyy-mm-dd`, `yyyy-mm-ddThh:mm` or `ongoing`) for people:
 * "Ongoing", "1 March 2026" or "1 March 2026, 14:30". Anything else is returned as it is.
 */
export function describeWhen(when: string): string {
  if (when === 'ongoing') return 'Ongoing';
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(when);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return when;
  return `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}${m[4] ? `, ${m[4]}` : ''}`;
}

/** "1 March 2026": the UK date of an instant. */
export function describeDay(t: Date | string): string {
  return describeWhen(londonDate(t));
}

/** "Monday 2 March": when an unfinished flow was started. */
export const weekdayAndDate = (t: Date | string): string => weekdayDate.format(toDate(t));

/** "Mon 2 Mar, 14:30": times on cards in the chat. */
export const shortTime = (t: Date | string): string => shortDateTime.format(toDate(t));

/** "2 Mar 2026, 14:30": times in the Cases tab. */
export const mediumTime = (t: Date | string): string => mediumDateTime.format(toDate(t));

/** "2 Mar 2026": dates in the Cases tab. */
export const mediumDay = (t: Date | string): string => mediumDate.format(toDate(t));
