/**
 * Checks a profile's citations against the text of its own seed policy: every quote occurs verbatim (after the
 * normalisation below), inside the clause or under the heading it names; every clause label is printed in the
 * policy as a number; a clause the policy prints twice says which one; a quote found only in another school's
 * policy is reported as such. Pure: the caller reads the files.
 *
 * Normalisation, applied to quote and policy alike, and nothing else:
 *  - Markdown emphasis and escape characters removed: `*`, `_`, `\`;
 *  - typographic quotes made plain: ‘ ’ ‚ ‛ → ', “ ” „ → ";
 *  - en and em dashes made hyphens: – — ‒ → -;
 *  - every run of white space (spaces, tabs, line breaks, no-break spaces) made one space, and the ends trimmed.
 */
import { TERM_KEYS, citationsOf, type PolicyCitation, type PolicyProfile } from './profile.js';

export function normalise(s: string): string {
  return s
    .replace(/[*_\\]/g, '')
    .replace(/[‘’‚‛]/g, "'")
    .replace(/[“”„]/g, '"')
    .replace(/[–—‒]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The longest quote we accept: one sentence or phrase, not a paragraph. */
export const MAX_QUOTE = 300;

const LABEL = String.raw`(?:[A-Z]\.)?\d+(?:\.\d+)*`;
/** A clause line: optional bullet or Markdown heading marks, one or two labels (a number, then an appendix number), then text. */
export const CLAUSE_LINE = new RegExp(String.raw`^\s*(?:[-·*]\s*)?(?:#+\s*)?(${LABEL})\.?(?:\*\*)?\s+(?:(${LABEL})\.?\s+)?\S`);
/** A line of a table of contents: ends with a tab and a page number. */
export const CONTENTS_LINE = /\t\s*(?:<b>)?\d+(?:<\/b>)?\s*$/;
export const SUB_ITEM = /^\s*-?\s*\(([a-z]+)\)\s/;

interface ClauseLine {
  index: number;
  labels: string[];
}

function clauseLines(lines: string[]): ClauseLine[] {
  const out: ClauseLine[] = [];
  lines.forEach((line, index) => {
    if (CONTENTS_LINE.test(line)) return;
    const m = CLAUSE_LINE.exec(line);
    if (m) out.push({ index, labels: [m[1], m[2]].filter((l): l is string => Boolean(l)) });
  });
  return out;
}

const isWithin = (label: string, parent: string) => label === parent || label.startsWith(`${parent}.`);

/** The text of each clause printed with `label`, from its line up to the next clause that is not part of it. */
export function clauseTexts(text: string, label: string): string[] {
  const composite = /^(.+?)\(([a-z]+)\)$/.exec(label);
  if (composite) {
    const [, parent, item] = composite;
    return clauseTexts(text, parent).flatMap((clause) => subItems(clause, item));
  }
  const lines = text.split(/\r?\n/);
  const numbered = clauseLines(lines);
  const out: string[] = [];
  numbered.forEach((c, i) => {
    if (!c.labels.includes(label)) return;
    const next = numbered.slice(i + 1).find((n) => !n.labels.some((l) => isWithin(l, label) && l !== label));
    out.push(lines.slice(c.index, next ? next.index : lines.length).join('\n'));
  });
  return out;
}

function subItems(clause: string, item: string): string[] {
  const lines = clause.split(/\r?\n/);
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = SUB_ITEM.exec(line);
    if (!m || m[1] !== item) return;
    const end = lines.findIndex((l, j) => j > i && SUB_ITEM.test(l));
    out.push(lines.slice(i, end === -1 ? lines.length : end).join('\n'));
  });
  return out;
}

/**
 * A line that looks like an un-numbered heading: starts at the margin with a capital (or Markdown heading
 * marks), short, no closing punctuation, no tab (a table row), not a bullet or a numbered clause.
 */
export function isHeadingLike(line: string): boolean {
  return /^(?:#+\s*)?[A-Z]/.test(line) && !line.includes('\t') && line.trim().length <= 80 && !/[.:;,?!]$/.test(line.trim()) && !CLAUSE_LINE.test(line);
}

export const headingText = (line: string) => normalise(line.replace(/^\s*#+\s*/, '').replace(/:\s*$/, ''));

/** The text under each un-numbered heading printed exactly as `heading`, up to the next heading-like line. */
export function headingSections(text: string, heading: string): string[] {
  const lines = text.split(/\r?\n/);
  const want = normalise(heading);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (headingText(line) !== want) return;
    const end = lines.findIndex((l, j) => j > i && (isHeadingLike(l) || CLAUSE_LINE.test(l)));
    out.push(lines.slice(i, end === -1 ? lines.length : end).join('\n'));
  });
  return out;
}

const contains = (haystack: string, needle: string) => normalise(haystack).includes(normalise(needle));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** As whole words: "Principal" is not in "Principals". */
const containsWords = (haystack: string, needle: string) => new RegExp(`(?<![\\w-])${escape(normalise(needle))}(?![\\w-])`).test(normalise(haystack));

/** The problems with one citation against its own policy's text; empty when it holds. */
export function checkCitation(c: PolicyCitation, own: string): string[] {
  const problems: string[] = [];
  if (c.quote.length > MAX_QUOTE) problems.push(`quote longer than ${MAX_QUOTE} characters: keep it to a sentence or phrase`);
  if (!contains(own, c.quote)) return [...problems, `quote not found verbatim: "${c.quote}"`];
  if (c.clause) {
    const clauses = clauseTexts(own, c.clause);
    if (clauses.length === 0) return [...problems, `clause ${c.clause} is not printed as a number in the policy`];
    let candidates = clauses;
    if (c.occurrence !== undefined) {
      if (c.occurrence > clauses.length) return [...problems, `clause ${c.clause} occurs ${clauses.length} time(s), not ${c.occurrence}`];
      candidates = [clauses[c.occurrence - 1]];
    } else if (clauses.length > 1 && !c.clause.includes('(')) {
      return [...problems, `clause ${c.clause} is printed ${clauses.length} times: say which with "occurrence"`];
    }
    if (!candidates.some((t) => contains(t, c.quote))) problems.push(`quote is not in clause ${c.clause}${c.occurrence ? ` (occurrence ${c.occurrence})` : ''}: "${c.quote}"`);
    if (c.heading && !own.split(/\r?\n/).some((l) => contains(l, c.heading!))) problems.push(`heading not found: "${c.heading}"`);
  } else if (c.heading) {
    const sections = headingSections(own, c.heading);
    if (sections.length === 0) problems.push(`heading not printed as a heading line: "${c.heading}"`);
    else if (!sections.some((t) => contains(t, c.quote))) problems.push(`quote is not under the heading "${c.heading}": "${c.quote}"`);
  }
  return problems;
}

/**
 * Every problem with a profile's citations and terms against the seed texts (file name → text). A quote missing
 * from its own policy but present in another school's is named as such: a profile never borrows another
 * school's words.
 */
export function checkProfileText(profile: PolicyProfile, seeds: Record<string, string>): string[] {
  const own = seeds[profile.policy.sourceFile];
  if (own === undefined) return [`${profile.id}: seed ${profile.policy.sourceFile} not provided`];
  const others = Object.entries(seeds).filter(([file]) => file !== profile.policy.sourceFile);
  const problems: string[] = [];
  for (const { at, citation } of citationsOf(profile)) {
    for (const p of checkCitation(citation, own)) {
      const elsewhere = p.startsWith('quote not found') ? others.filter(([, t]) => contains(t, citation.quote)).map(([f]) => f) : [];
      problems.push(
        elsewhere.length > 0
          ? `${profile.id} ${at}: quote found only in another school's policy (${elsewhere.join(', ')}), not in ${profile.policy.sourceFile}: "${citation.quote}"`
          : `${profile.id} ${at}: ${p}`,
      );
    }
  }
  for (const key of TERM_KEYS) {
    const term = profile.terms[key];
    if (term !== undefined && !containsWords(own, term)) problems.push(`${profile.id} terms.${key}: "${term}" does not occur in the policy`);
  }
  const { title, schoolName, date, review } = profile.policy;
  for (const [key, value] of Object.entries({ title, schoolName, date, review })) {
    if (value && !containsWords(own, value)) problems.push(`${profile.id} policy.${key}: "${value}" does not occur in the policy`);
  }
  return problems;
}
