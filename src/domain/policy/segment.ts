/**
 * A policy's full text cut into the passages staff are shown when they ask a question: each numbered clause
 * with its label as printed (a number printed twice told apart by its occurrence, lettered items such as "(d)"
 * as `<clause>(d)`), and, where the policy prints no number, each paragraph or bullet under its section heading
 * as printed. Every passage is a verbatim run of the policy's lines (only the leading bullet mark and label
 * are taken off, since the label is shown beside it). Pure: the caller reads the file
 * (`npm run policies:segment` writes the result beside the profile, config/policies/<school>.clauses.json).
 *
 * The rules of what is a clause line, a heading and a lettered item are those the citation checks use
 * (citations.ts), so a citation and the passage it names always agree.
 */
import { CLAUSE_LINE, CONTENTS_LINE, SUB_ITEM, headingText, isHeadingLike, normalise } from './citations.js';

export interface PolicyClause {
  /** Unique within the policy, stable while the text is: the label (with `~occurrence`), or the heading, and a passage number. */
  id: string;
  /** The clause label as printed (for example "6.24", "10.2(i)" or "4"); none for a passage of an un-numbered section. */
  label?: string;
  /** Which of a label printed more than once (1, 2, …). */
  occurrence?: number;
  /** The section heading the passage is under, as printed (without Markdown marks or a closing colon). */
  heading?: string;
  /**
   * For a lettered item, the id of the clause it belongs to (whose opening words introduce it); for a numbered step
   * of an un-numbered policy, the passage whose closing colon introduces the steps.
   */
  parent?: string;
  /** The verbatim text (lines joined by line breaks). */
  text: string;
}

export interface ClauseFile {
  schoolId: string;
  /** The seed file the passages were cut from. */
  sourceFile: string;
  clauses: PolicyClause[];
}

const TOP_LEVEL = /^(?:[A-Z]\.)?\d+$/;
const LABEL_PREFIX = String.raw`^\s*(?:[-·*]\s*)?(?:#+\s*)?(?:[A-Z]\.)?\d+(?:\.\d+)*\.?(?:\*\*)?\s+(?:(?:[A-Z]\.)?\d+(?:\.\d+)*\.?\s+)?`;
const BULLET = /^[-·•]\s|^o\s/;
const LEAD = /:\s*-?\s*$/;
const APPENDIX = /^appendix\b/i;

/** Text after a section number that is a heading ("Personal Use of Social Media", "RECRUITMENT", "Rationale:"). */
function isSectionTitle(rest: string): boolean {
  const t = rest.replace(/\*+/g, '').replace(/:\s*$/, '').trim();
  return t.length > 0 && t.length <= 80 && !rest.includes('\t') && !/[.;,!]$/.test(t);
}

/**
 * A heading as the citation checks see one, and also a heading that asks a question ("Who is covered by this
 * policy?") or runs a little longer: such a line starts a section here, though no citation names it.
 */
function isHeading(line: string): boolean {
  const t = line.trim();
  return isHeadingLike(line) || (/^(?:#+\s*)?[A-Z]/.test(line) && !line.includes('\t') && t.length <= 90 && !/[.:;,!]$/.test(t) && !CLAUSE_LINE.test(line));
}

interface Draft {
  kind: 'clause' | 'para';
  label?: string;
  heading?: string;
  from: number;
  to: number;
  lead: boolean;
  table: boolean;
  /** The passage ending in a colon that introduces this numbered step (un-numbered policies). */
  introducedBy?: Draft;
}

/** Where the policy's body starts: its first numbered clause (numbered), or its first heading followed by a real paragraph. */
export function bodyStart(lines: string[], numbered: boolean): number {
  for (let i = 0; i < lines.length; i++) {
    if (CONTENTS_LINE.test(lines[i])) continue;
    if (numbered && CLAUSE_LINE.test(lines[i])) return i;
    if (!numbered && isHeadingLike(lines[i])) {
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      if (next && next.trim().length >= 100 && !isHeadingLike(next)) return i;
    }
  }
  return 0;
}

export function segmentPolicy(text: string, numbered: boolean): PolicyClause[] {
  const lines = text.split(/\r?\n/);
  const drafts: Draft[] = [];
  let heading: string | undefined;
  let section: string | undefined;
  let current: Draft | undefined;
  // The last passage closed: in an un-numbered policy, steps numbered 1, 2, … after a passage ending in a colon
  // belong to it ("the following steps must be taken:"), as lettered items belong to their clause.
  let previous: Draft | undefined;
  const close = () => {
    if (current) drafts.push(current);
    if (current) previous = current;
    current = undefined;
  };

  for (let i = bodyStart(lines, numbered); i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    if (CONTENTS_LINE.test(line)) {
      close();
      continue;
    }
    const m = CLAUSE_LINE.exec(line);
    if (m) {
      const label = m[2] ?? m[1];
      const rest = line.replace(new RegExp(LABEL_PREFIX), '');
      close();
      if (TOP_LEVEL.test(label) && numbered && isSectionTitle(rest)) {
        heading = normalise(rest.replace(/\*+/g, '').replace(/:\s*$/, ''));
        section = label;
        continue;
      }
      const introducedBy = numbered ? undefined : previous?.kind === 'para' && previous.lead ? previous : previous?.introducedBy;
      current = { kind: 'clause', label, heading, from: i, to: i, lead: false, table: false, ...(introducedBy ? { introducedBy } : {}) };
      continue;
    }
    if (isHeading(line)) {
      close();
      previous = undefined;
      heading = headingText(line);
      if (APPENDIX.test(heading)) section = undefined;
      continue;
    }
    const table = line.includes('\t');
    const continues =
      current !== undefined &&
      (current.kind === 'clause' ||
        /^\s/.test(line) ||
        /^[a-z]/.test(line) ||
        (current.lead && BULLET.test(line)) ||
        (current.table && table));
    if (continues && current) {
      current.to = i;
      continue;
    }
    close();
    current = { kind: 'para', label: numbered ? section : undefined, heading, from: i, to: i, lead: LEAD.test(line), table };
  }
  close();
  return name(drafts.flatMap((d) => split(lines, d)));
}

interface Piece {
  label?: string;
  heading?: string;
  clause: boolean;
  parentLabel?: string;
  lines: string[];
  draft: Draft;
}

/** A clause with lettered items (a), (b), … in order is cut into its opening words and one passage per item. */
function split(lines: string[], d: Draft): Piece[] {
  const own = lines.slice(d.from, d.to + 1);
  const whole: Piece = { label: d.label, heading: d.heading, clause: d.kind === 'clause', lines: own, draft: d };
  if (d.kind !== 'clause' || !d.label) return [whole];
  const starts: Array<{ at: number; item: string }> = [];
  let expect = 'a';
  own.forEach((l, at) => {
    const m = SUB_ITEM.exec(l);
    if (m && m[1] === expect) {
      starts.push({ at, item: m[1] });
      expect = String.fromCharCode(expect.charCodeAt(0) + 1);
    }
  });
  if (starts.length < 2) return [whole];
  const pieces: Piece[] = [{ ...whole, lines: own.slice(0, starts[0].at) }];
  starts.forEach((s, k) => {
    pieces.push({
      label: `${d.label}(${s.item})`,
      heading: d.heading,
      clause: true,
      parentLabel: d.label,
      lines: own.slice(s.at, k + 1 < starts.length ? starts[k + 1].at : own.length),
      draft: d,
    });
  });
  return pieces;
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Occurrences for labels printed twice, ids, and the text without its label and bullet mark. */
function name(pieces: Piece[]): PolicyClause[] {
  const printed = new Map<string, number>();
  for (const p of pieces) if (p.clause && p.label) printed.set(p.label, (printed.get(p.label) ?? 0) + 1);
  const seen = new Map<string, number>();
  const perKey = new Map<string, number>();
  const idOf = new Map<Piece, string>();
  const byLabel = new Map<string, string>();
  const byDraft = new Map<Draft, string>();
  const out: Array<PolicyClause & { piece: Piece }> = [];
  for (const p of pieces) {
    let occurrence: number | undefined;
    if (p.clause && p.label && (printed.get(p.label) ?? 0) > 1) {
      occurrence = (seen.get(p.label) ?? 0) + 1;
      seen.set(p.label, occurrence);
    }
    const key = p.label ? `${p.label}${occurrence ? `~${occurrence}` : ''}` : slug(p.heading ?? 'preamble');
    const n = (perKey.get(key) ?? 0) + 1;
    perKey.set(key, n);
    const id = p.clause ? key : `${key}/${n}`;
    idOf.set(p, id);
    if (p.clause && p.label && !p.parentLabel) byLabel.set(p.label, id);
    const text = clean(p.lines, p.clause && !p.parentLabel);
    if (!text) continue;
    if (!byDraft.has(p.draft)) byDraft.set(p.draft, id);
    const parent = p.parentLabel ? byLabel.get(p.parentLabel) : p.draft.introducedBy && byDraft.get(p.draft.introducedBy);
    out.push({
      id,
      ...(p.label ? { label: p.label } : {}),
      ...(occurrence ? { occurrence } : {}),
      ...(p.heading ? { heading: p.heading } : {}),
      ...(parent ? { parent } : {}),
      text,
      piece: p,
    });
  }
  return out.map(({ piece: _p, ...c }) => c);
}

/** The passage's lines, without the leading label (shown beside it) and bullet mark, blank lines dropped. */
function clean(lines: string[], labelled: boolean): string {
  const first = labelled ? lines[0].replace(new RegExp(LABEL_PREFIX), '') : lines[0].replace(/^\s*(?:[-·•]\s+|o\s+)/, '');
  return [first, ...lines.slice(1)]
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '')
    .join('\n')
    .trim();
}

/** A school's clause file from its seed text; throws when a clause is not verbatim in the text (a bug in the cutting). */
export function segmentFile(schoolId: string, sourceFile: string, text: string, numbered: boolean): ClauseFile {
  const clauses = segmentPolicy(text, numbered);
  const whole = normalise(text);
  const bad = clauses.filter((c) => !whole.includes(normalise(c.text)));
  if (bad.length) throw new Error(`${sourceFile}: clauses not verbatim: ${bad.map((c) => c.id).join(', ')}`);
  return { schoolId, sourceFile, clauses };
}
