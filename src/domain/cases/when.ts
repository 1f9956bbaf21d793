/** Dates as people read them, shared by the bot and the Cases tab so both say the same thing. No SDK, no time zone lookups. */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

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
