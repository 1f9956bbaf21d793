/**
 * Parsing and validating policy profiles and the statutory baseline from JSON text. Pure: the file reading
 * belongs at the edge (the caller passes the text). Every problem is named, with where it is, in one result,
 * as src/config.ts does for the environment.
 */
import { z } from 'zod';
import { baselineSchema, profileSchema, type PolicyProfile, type StatutoryBaseline } from './profile.js';
import type { ClauseFile } from './segment.js';

/** The profile files under config/policies/, one per seed policy, and the school id each one is for. */
export const PROFILE_FILES = [
  { file: 'westbrook.json', schoolId: 'westbrook', seed: '000_4dba96b95ad736e4.txt' },
  { file: 'newall-green.json', schoolId: 'newall-green', seed: '001_49d2d547513e3045.txt' },
  { file: 'wootton.json', schoolId: 'wootton', seed: '002_8491e48ecbd0bac2.txt' },
  { file: 'moor-nook.json', schoolId: 'moor-nook', seed: '003_d65441e98a960b74.txt' },
  { file: 'beechwood.json', schoolId: 'beechwood', seed: '004_7db19145d5f86af8.txt' },
] as const;
export const BASELINE_FILE = 'statutory-baseline.json';
export const POLICIES_DIR = 'config/policies';

export type Loaded<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const where = (path: PropertyKey[]) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top)';

function parseWith<T>(schema: z.ZodType<T>, text: string, name: string): Loaded<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [`${name}: not valid JSON: ${(e as Error).message}`] };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${name}: ${where(i.path)}: ${i.message}`) };
}

/**
 * A profile from its JSON text. With `expectedId` (the file's school id), a profile whose id differs is refused:
 * a school must never be given another school's rules.
 */
export function parseProfile(text: string, name = 'profile', expectedId?: string): Loaded<PolicyProfile> {
  const loaded = parseWith(profileSchema, text, name);
  if (loaded.ok && expectedId !== undefined && loaded.value.id !== expectedId) {
    return { ok: false, problems: [`${name}: id is "${loaded.value.id}", expected "${expectedId}"`] };
  }
  return loaded;
}

export function parseBaseline(text: string, name = BASELINE_FILE): Loaded<StatutoryBaseline> {
  return parseWith(baselineSchema, text, name);
}

/** The file beside a profile that holds its policy's full text cut into clauses (`npm run policies:segment`). */
export const clauseFileName = (schoolId: string) => `${schoolId}.clauses.json`;

const clauseSchema = z.strictObject({
  id: z.string().min(1),
  label: z.string().min(1).optional(),
  occurrence: z.number().int().min(1).optional(),
  heading: z.string().min(1).optional(),
  parent: z.string().min(1).optional(),
  text: z.string().min(1),
});
const clauseFileSchema = z.strictObject({ schoolId: z.string().min(1), sourceFile: z.string().min(1), clauses: z.array(clauseSchema).min(1) });

/** A school's clause file from its JSON text; refused when it is for another school or its ids repeat. */
export function parseClauseFile(text: string, name: string, expectedId: string): Loaded<ClauseFile> {
  const loaded = parseWith(clauseFileSchema, text, name);
  if (!loaded.ok) return loaded;
  if (loaded.value.schoolId !== expectedId) return { ok: false, problems: [`${name}: schoolId is "${loaded.value.schoolId}", expected "${expectedId}"`] };
  const ids = new Set<string>();
  for (const c of loaded.value.clauses) {
    if (ids.has(c.id)) return { ok: false, problems: [`${name}: clause id "${c.id}" repeats`] };
    ids.add(c.id);
  }
  return loaded as Loaded<ClauseFile>;
}
