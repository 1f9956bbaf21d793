import { parse } from 'csv-parse/sync';
import { ACCOUNT_PLATFORMS } from '../account-requests/minimum-age.js';
import { CONSENT_PLATFORMS, orderedPlatforms, type ConsentFields, type ConsentPlatform } from './consent.js';

/**
 * A school's MIS export of photo consent, as CSV. Headers are matched case-insensitively, ignoring spaces,
 * underscores, hyphens and full stops ("Year Group", "year_group" and "YEARGROUP" are one header). Accepted:
 *
 * - pupil id (optional): UPN, Admission number, Adno, Pupil id, MIS id
 * - name: Name, Pupil name, Full name, Preferred name; or Forename / First name / Legal forename together
 *   with Surname / Last name / Legal surname
 * - class or year: Class, Year, Year group, Form, Reg group, Registration group, Tutor group
 * - one column per platform: its name (Facebook, Instagram, X, Twitter, X (Twitter), TikTok, YouTube,
 *   LinkedIn, WhatsApp, Snapchat, Reddit, Other), optionally followed by "consent"
 * - Names (consent for names): Names, Names consent, Consent for names, Name consent
 * - Do not publish: Do not publish, DNP, Do not photograph
 *
 * Values: Yes/No, Y/N, True/False, 1/0; blank is No. Any other header is an error, so a wrong file (or a
 * misspelt column) is refused, not silently half-read.
 */
export const MAX_IMPORT_ROWS = 5000;

type Column = { kind: 'pupilId' | 'name' | 'forename' | 'surname' | 'classOrYear' | 'names' | 'doNotPublish' } | { kind: 'platform'; platform: ConsentPlatform };

const norm = (h: string) => h.replace(/^\uFEFF/, '').toLowerCase().replace(/[\s_.\-]+/g, '');

const HEADERS: Record<string, Column> = {};
const add = (kind: Exclude<Column['kind'], 'platform'>, ...names: string[]) => { for (const n of names) HEADERS[norm(n)] = { kind }; };
add('pupilId', 'upn', 'admission number', 'adno', 'admission no', 'pupil id', 'mis id');
add('name', 'name', 'pupil name', 'full name', 'preferred name');
add('forename', 'forename', 'first name', 'legal forename', 'given name');
add('surname', 'surname', 'last name', 'legal surname', 'family name');
add('classOrYear', 'class', 'year', 'year group', 'form', 'reg group', 'registration group', 'tutor group');
add('names', 'names', 'names consent', 'consent for names', 'name consent');
add('doNotPublish', 'do not publish', 'dnp', 'do not photograph');
for (const p of CONSENT_PLATFORMS) {
  for (const n of [p, ACCOUNT_PLATFORMS[p].split(' (')[0], p === 'x' ? 'twitter' : '', p === 'x' ? 'x (twitter)' : ''].filter(Boolean)) {
    HEADERS[norm(n)] = { kind: 'platform', platform: p };
    HEADERS[norm(n + ' consent')] = { kind: 'platform', platform: p };
  }
}

export const ACCEPTED_HEADERS_TEXT =
  'UPN or Admission number (optional); Name, or Forename and Surname; Class or Year group; one column per platform (' +
  CONSENT_PLATFORMS.map((p) => ACCOUNT_PLATFORMS[p].split(' (')[0]).join(', ') +
  '); Names consent; Do not publish';

export interface ImportRow extends ConsentFields {
  /** The file's line number (the header is line 1). */
  line: number;
  /** From the file's id column; undefined when the file has none. */
  pupilId?: string;
}

export interface RowError {
  /** 1 for the header, 0 for the file as a whole. */
  line: number;
  message: string;
}

export interface ParsedImport {
  rows: ImportRow[];
  errors: RowError[];
  /** The file has an id column (UPN/admission number): rows match the register by it; otherwise by name and class. */
  hasIdColumn: boolean;
  /** The platforms the file has a column for: only their consent is changed by the import. */
  platforms: ConsentPlatform[];
  /** The file has these columns: a column it lacks leaves the register's value as it is. */
  hasNames: boolean;
  hasDoNotPublish: boolean;
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

/** Pupil ids as MIS exports write them (UPN: a letter and 12 digits; admission numbers: digits). */
const PUPIL_ID = /^[A-Za-z0-9-]{1,20}$/;

/** Parse and check a whole file; nothing is applied here. Every problem is reported, each with its line. */
export function parseConsentCsv(text: string): ParsedImport {
  const empty = (message: string, line = 0): ParsedImport => ({ rows: [], errors: [{ line, message }], hasIdColumn: false, platforms: [], hasNames: false, hasDoNotPublish: false });
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    const line = Number((e as { lines?: unknown }).lines) || 0;
    return empty(`The file is not valid CSV${line ? ` (near line ${line})` : ''}.`, line);
  }
  if (!records.length) return empty('The file is empty.');
  const header = records[0];
  const errors: RowError[] = [];
  const columns: Array<Column | undefined> = header.map((h) => HEADERS[norm(h)]);
  const unknown = header.filter((_, i) => !columns[i]);
  if (unknown.length) errors.push({ line: 1, message: `Unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.map((u) => `"${u}"`).join(', ')}. Accepted: ${ACCEPTED_HEADERS_TEXT}.` });
  const seen = new Map<string, string>();
  header.forEach((h, i) => {
    const c = columns[i];
    if (!c) return;
    const key = c.kind === 'platform' ? `platform:${c.platform}` : c.kind;
    if (seen.has(key)) errors.push({ line: 1, message: `"${seen.get(key)}" and "${h}" are the same column.` });
    else seen.set(key, h);
  });
  const has = (k: string) => seen.has(k);
  const hasName = has('name') || (has('forename') && has('surname'));
  if (!hasName) errors.push({ line: 1, message: 'No name column: add Name, or Forename and Surname.' });
  if (has('name') && (has('forename') || has('surname'))) errors.push({ line: 1, message: 'Use either Name or Forename and Surname, not both.' });
  if (!has('classOrYear')) errors.push({ line: 1, message: 'No class or year group column: add Class or Year group.' });
  const platforms = orderedPlatforms(columns.flatMap((c) => (c?.kind === 'platform' ? [c.platform] : [])));
  if (!platforms.length && !has('names') && !has('doNotPublish')) errors.push({ line: 1, message: 'No consent columns: add a column per platform (for example Facebook), Names consent or Do not publish.' });
  const shape = { hasIdColumn: has('pupilId'), platforms, hasNames: has('names'), hasDoNotPublish: has('doNotPublish') };
  if (errors.length) return { rows: [], errors, ...shape };
  if (records.length - 1 > MAX_IMPORT_ROWS) return empty(`The file has ${records.length - 1} pupils; at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')} can be imported at once.`);

  const rows: ImportRow[] = [];
  const byKey = new Map<string, number>();
  for (let r = 1; r < records.length; r++) {
    const line = r + 1;
    const cells = records[r];
    if (cells.length !== header.length) {
      errors.push({ line, message: `Has ${cells.length} values; the header has ${header.length}.` });
      continue;
    }
    const rowErrors: string[] = [];
    const row: ImportRow = { line, name: '', classOrYear: '', platforms: [], consentForNames: false, doNotPublish: false };
    let forename = '';
    let surname = '';
    const granted: ConsentPlatform[] = [];
    const yesNo = (value: string, h: string): boolean => {
      const v = value.toLowerCase();
      if (YES.has(v)) return true;
      if (NO.has(v)) return false;
      rowErrors.push(`${h}: "${value.slice(0, 40)}" is not Yes or No`);
      return false;
    };
    cells.forEach((value, i) => {
      const c = columns[i]!;
      const h = header[i];
      switch (c.kind) {
        case 'pupilId':
          if (!PUPIL_ID.test(value)) rowErrors.push(value ? `${h}: "${value.slice(0, 40)}" is not a pupil id (letters, digits and hyphens, up to 20)` : `${h}: missing`);
          else row.pupilId = value.toUpperCase();
          break;
        case 'name': row.name = value; break;
        case 'forename': forename = value; break;
        case 'surname': surname = value; break;
        case 'classOrYear': row.classOrYear = value; break;
        case 'names': row.consentForNames = yesNo(value, h); break;
        case 'doNotPublish': row.doNotPublish = yesNo(value, h); break;
        case 'platform': if (yesNo(value, h)) granted.push(c.platform); break;
      }
    });
    if (!row.name) row.name = [forename, surname].filter(Boolean).join(' ');
    row.name = row.name.replace(/\s+/g, ' ');
    if (!row.name) rowErrors.push('name: missing');
    else if (row.name.length > 120) rowErrors.push('name: longer than 120 characters');
    if (!row.classOrYear) rowErrors.push('class or year: missing');
    else if (row.classOrYear.length > 40) rowErrors.push('class or year: longer than 40 characters');
    row.platforms = orderedPlatforms(granted);
    if (rowErrors.length) {
      errors.push({ line, message: rowErrors.join('; ') });
      continue;
    }
    const key = row.pupilId ? `id:${row.pupilId}` : `nc:${matchKey(row)}`;
    const first = byKey.get(key);
    if (first !== undefined) {
      errors.push({ line, message: row.pupilId ? `The same pupil id (${row.pupilId}) as line ${first}.` : `The same pupil (name and class) as line ${first}.` });
      continue;
    }
    byKey.set(key, line);
    rows.push(row);
  }
  return { rows, errors, ...shape };
}

/** How a file without an id column matches the register: name and class, ignoring case and spacing. */
export const matchKey = (p: { name: string; classOrYear: string }): string => `${p.name.toLowerCase().replace(/\s+/g, ' ').trim()}|${p.classOrYear.toLowerCase().replace(/\s+/g, '')}`;
