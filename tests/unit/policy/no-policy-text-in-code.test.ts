import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../../src/policy-files.js';
import { citationsOf } from '../../../src/domain/policy/profile.js';

/**
 * Each school's clauses, quotes and names belong in its policy profile (config/policies), never in code: code
 * that held one school's clause would show it to every school. Comments count too: they are how such text
 * creeps back into strings.
 */
const { profiles } = readPolicyFiles('config/policies');
const CLAUSE = [/\bpolicy \d+(\.\d+)?/i, /\bAppendix [A-Z]\b/, /§ ?\d/, /\b[A-Z]\.\d+\.\d+\b/, /\bseed 00\d\b/i];
const SCHOOL_NAMES = [...profiles.values()].map((p) => p.policy.schoolName.split(/\s+/).slice(0, 2).join(' ').replace(/\s+(Primary|Academy|Community)$/i, ''));
const QUOTES = [...profiles.values()].flatMap((p) => citationsOf(p).map((c) => c.citation.quote)).filter((q) => q.length >= 30);

function sources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

function findings(files: Array<{ file: string; text: string }>): string[] {
  const out: string[] = [];
  for (const { file, text } of files) {
    const flat = text.replace(/\s+/g, ' ');
    for (const re of CLAUSE) for (const m of text.matchAll(new RegExp(re, 'g'))) out.push(`${file}: clause "${m[0]}"`);
    for (const name of SCHOOL_NAMES) if (text.includes(name)) out.push(`${file}: school "${name}"`);
    for (const q of QUOTES) if (flat.includes(q.replace(/\s+/g, ' '))) out.push(`${file}: quote "${q.slice(0, 40)}…"`);
  }
  return out;
}

describe('no policy text in code', () => {
  it('knows the five schools and their quotes', () => {
    expect(SCHOOL_NAMES).toEqual(expect.arrayContaining(['Newall Green', 'Wootton', 'Moor Nook', 'Beechwood', 'Westbrook']));
    expect(QUOTES.length).toBeGreaterThan(50);
  });

  it('finds a clause number, a school name or a quote when code holds one', () => {
    const planted = [
      { file: 'a.ts', text: "const advice = 'Keep the evidence (policy 11.2).';" },
      { file: 'b.ts', text: '// as Wootton says' },
      { file: 'c.ts', text: `const q = ${JSON.stringify(QUOTES[0])};` },
      { file: 'd.ts', text: "heading('Who runs it', '(A.5.4)')" },
    ];
    for (const p of planted) expect(findings([p]).length, p.file).toBeGreaterThan(0);
    expect(findings([{ file: 'e.ts', text: "const v = '1.5'; // Adaptive Cards 1.5" }])).toEqual([]);
  });

  it('holds in the server and the tab', () => {
    expect(findings([...sources('src'), ...sources('web')])).toEqual([]);
  });
});
