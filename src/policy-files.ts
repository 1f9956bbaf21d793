import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_FILE, PROFILE_FILES, parseBaseline, parseProfile } from './domain/policy/load.js';
import type { PolicyProfile, StatutoryBaseline } from './domain/policy/profile.js';

/**
 * The policy profiles and the statutory baseline from `dir` (config/policies), validated; the server does not
 * start with a profile that fails its schema, and the error names every problem.
 */
export function readPolicyFiles(dir: string): { profiles: Map<string, PolicyProfile>; baseline: StatutoryBaseline } {
  const problems: string[] = [];
  const profiles = new Map<string, PolicyProfile>();
  for (const f of PROFILE_FILES) {
    const loaded = parseProfile(readFileSync(path.join(dir, f.file), 'utf8'), f.file, f.schoolId);
    if (loaded.ok) profiles.set(f.schoolId, loaded.value);
    else problems.push(...loaded.problems);
  }
  const baseline = parseBaseline(readFileSync(path.join(dir, BASELINE_FILE), 'utf8'));
  if (!baseline.ok) problems.push(...baseline.problems);
  if (problems.length || !baseline.ok) throw new Error(`Invalid policy profiles in ${dir}:\n  - ${problems.join('\n  - ')}`);
  return { profiles, baseline: baseline.value };
}
