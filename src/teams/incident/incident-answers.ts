/**
 * Checking and reading the answers of the incident report: pure functions (no SDK), shared by the dialog
 * and its tests. Messages are the ones the reporter sees.
 */
import { TEXT_LIMIT } from '../../domain/cases/incident.js';
import { londonDate, londonDateTime } from '../../domain/time.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

/** Free text: trimmed, not empty, at most `limit` characters. */
export function checkText(raw: string | undefined, limit = TEXT_LIMIT): Checked<string> {
  const t = (raw ?? '').replace(/<at>[^<]*<\/at>/gi, '').trim();
  if (!t) return { ok: false, message: 'Please write an answer.' };
  if (t.length > limit) {
    return {
      ok: false,
      message: `That is ${t.length.toLocaleString('en-GB')} characters. The limit is ${limit.toLocaleString('en-GB')}: please shorten it and send it again.`,
    };
  }
  return { ok: true, value: t };
}

const URL_LIKE = /^(https?:\/\/|www\.)/i;
const BARE_LINK = /^[a-z0-9-]+(\.[a-z0-9-]+)+\/\S*$/i;

/** Where it happened: a link (checked for shape) or a group/account name. */
export function checkWhere(raw: string | undefined): Checked<string> {
  const t = checkText(raw);
  if (!t.ok) return t;
  const s = t.value;
  const looksLikeLink = URL_LIKE.test(s) || BARE_LINK.test(s) || /^[a-z][a-z0-9+.-]*:\/\//i.test(s);
  if (!looksLikeLink) return t;
  const bad: Checked<string> = {
    ok: false,
    message: 'That link does not look right. Check it and paste it again, or write the account or group name instead.',
  };
  if (/\s/.test(s)) return bad;
  let u: URL;
  try {
    u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`);
  } catch {
    return bad;
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(u.hostname) || !/[a-z]/i.test(u.hostname.split('.').pop()!)) {
    return bad;
  }
  return { ok: true, value: s };
}

const pad = (n: number) => String(n).padStart(2, '0');

function validDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function parseTime(s: string | undefined): string | undefined | null {
  if (!s) return undefined;
  const t = s.trim().toLowerCase();
  if (!t) return undefined;
  let m = /^(\d{1,2})[:.](\d{2})(?::\d{2})?\s*(am|pm)?$/.exec(t);
  if (!m) m = /^(\d{1,2})()\s*(am|pm)$/.exec(t);
  if (!m) return null;
  let h = Number(m[1]);
  const min = Number(m[2] || '0');
  if (m[3]) {
    if (h < 1 || h > 12) return null;
    if (m[3] === 'pm' && h < 12) h += 12;
    if (m[3] === 'am' && h === 12) h = 0;
  }
  if (h > 23 || min > 59) return null;
  return `${pad(h)}:${pad(min)}`;
}

const ONGOING = new Set(['ongoing', 'still happening', 'it is still happening', 'now', 'still going on']);

/**
 * When it happened: "ongoing", or a date (UK local) with an optional time, not in the future.
 * Accepts the card's date/time inputs or typed text: 2026-03-01 14:30, 01/03/2026 2:30pm, today 9am, yesterday.
 * Stored as `yyyy-mm-dd`, `yyyy-mm-ddThh:mm` or `ongoing`.
 */
export function checkWhen(input: { text?: string; date?: string; time?: string }, now: Date): Checked<string> {
  const bad: Checked<string> = {
    ok: false,
    message: 'Please give the date (for example 14/03/2026) and the time if you know it (for example 15:30), or say "ongoing".',
  };
  const today = londonDate(now);
  let date: string | undefined;
  let timeText: string | undefined;
  if (input.date) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.date.trim());
    if (!m || !validDate(+m[1], +m[2], +m[3])) return bad;
    date = input.date.trim();
    timeText = input.time;
  } else {
    const t = (input.text ?? '').trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]$/, '');
    if (!t) return bad;
    if (ONGOING.has(t)) return { ok: true, value: 'ongoing' };
    let m: RegExpExecArray | null;
    if ((m = /^(today|yesterday)(?:,?\s*(?:at\s*)?(.+))?$/.exec(t))) {
      const base = new Date(Date.parse(today + 'T12:00:00Z') - (m[1] === 'yesterday' ? 86_400_000 : 0));
      date = base.toISOString().slice(0, 10);
      timeText = m[2];
    } else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ,]+(?:at\s*)?(.+))?$/.exec(t))) {
      if (!validDate(+m[1], +m[2], +m[3])) return bad;
      date = `${m[1]}-${pad(+m[2])}-${pad(+m[3])}`;
      timeText = m[4];
    } else if ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ ,]+(?:at\s*)?(.+))?$/.exec(t))) {
      const y = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
      if (!validDate(y, +m[2], +m[1])) return bad;
      date = `${y}-${pad(+m[2])}-${pad(+m[1])}`;
      timeText = m[4];
    } else {
      return bad;
    }
  }
  const time = parseTime(timeText);
  if (time === null) return bad;
  const value = time ? `${date}T${time}` : date;
  if (date > today || (time && value > londonDateTime(new Date(now.getTime() + 5 * 60_000)))) {
    return { ok: false, message: 'That is in the future. Please give the date and time it happened, or say "ongoing".' };
  }
  if (date < '2000-01-01') return bad;
  return { ok: true, value };
}

/**
 * A fixed answer from typed text: the key, the label, its number in the list (1-based), or the only label
 * that starts with what was typed. Undefined when it cannot be told.
 */
export function matchChoice<K extends string>(raw: string | undefined, choices: Record<K, string>): K | undefined {
  const t = (raw ?? '').replace(/<[^>]+>/g, ' ').trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
  if (!t) return undefined;
  const keys = Object.keys(choices) as K[];
  const n = Number(t);
  if (Number.isInteger(n) && n >= 1 && n <= keys.length) return keys[n - 1];
  const exact = keys.find((k) => k.toLowerCase() === t || choices[k].toLowerCase() === t);
  if (exact) return exact;
  const starts = keys.filter((k) => choices[k].toLowerCase().startsWith(t) || choices[k].toLowerCase().replace(/^(a|an|the|me) /, '').startsWith(t));
  if (starts.length === 1) return starts[0];
  // "staff misuse" → "Misuse of social media by a member of staff": every typed word is in one label only.
  const words = t.split(' ').filter((w) => w.length > 2);
  if (!words.length) return undefined;
  const containing = keys.filter((k) => {
    const label = ` ${choices[k].toLowerCase().replace(/[^a-z0-9 ]/g, ' ')} `;
    return words.every((w) => label.includes(` ${w}`));
  });
  return containing.length === 1 ? containing[0] : undefined;
}
