import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_FILE, PROFILE_FILES, clauseFileName, parseBaseline, parseClauseFile, parseProfile } from './domain/policy/load.js';
import type { ClauseFile } from './domain/policy/segment.js';
import type { PolicyProfile, StatutoryBaseline } from './domain/policy/profile.js';

/**
 * The policy profiles, each policy's text cut into clauses (`<school>.clauses.json`) and the statutory baseline
 * from `dir` (config/policies), validated; the server does not start with a file that fails its schema, and the
 * error names every problem.
 */
export function readPolicyFiles(dir: string): { profiles: Map<string, PolicyProfile>; baseline: StatutoryBaseline; clauses: ClauseFile[] } {
  const problems: string[] = [];
  const profiles = new Map<string, PolicyProfile>();
  const clauses: ClauseFile[] = [];
  for (const f of PROFILE_FILES) {
    const loaded = parseProfile(readFileSync(path.join(dir, f.file), 'utf8'), f.file, f.schoolId);
    if (loaded.ok) profiles.set(f.schoolId, loaded.value);
    else problems.push(...loaded.problems);
    const cut = parseClauseFile(readFileSync(path.join(dir, clauseFileName(f.schoolId)), 'utf8'), clauseFileName(f.schoolId), f.schoolId);
    if (cut.ok) clauses.push(cut.value);
    else problems.push(...cut.problems);
  }
  const baseline = parseBaseline(readFileSync(path.join(dir, BASELINE_FILE), 'utf8'));
  if (!baseline.ok) problems.push(...baseline.problems);
  if (problems.length || !baseline.ok) throw new Error(`Invalid policy profiles in ${dir}:\n  - ${problems.join('\n  - ')}`);
  return { profiles, baseline: baseline.value, clauses };
}
