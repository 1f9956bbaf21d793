import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { BASELINE_FILE, POLICIES_DIR, PROFILE_FILES, parseBaseline, parseProfile } from '../../../src/domain/policy/load.js';
import type { PolicyProfile, StatutoryBaseline } from '../../../src/domain/policy/profile.js';

/** The seed policies beside the clone (CI checks ../shared out next to the repository). */
export const SEEDS_DIR = path.resolve('..', 'shared', 'policies');

export function readSeeds(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(SEEDS_DIR)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => [f, readFileSync(path.join(SEEDS_DIR, f), 'utf8')]),
  );
}

export const profileText = (file: string) => readFileSync(path.join(POLICIES_DIR, file), 'utf8');

export function loadProfiles(): PolicyProfile[] {
  return PROFILE_FILES.map(({ file, schoolId }) => {
    const loaded = parseProfile(profileText(file), file, schoolId);
    if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
    return loaded.value;
  });
}

export function loadBaseline(): StatutoryBaseline {
  const loaded = parseBaseline(readFileSync(path.join(POLICIES_DIR, BASELINE_FILE), 'utf8'));
  if (!loaded.ok) throw new Error(loaded.problems.join('\n'));
  return loaded.value;
}

export const profileById = (id: string) => {
  const p = loadProfiles().find((x) => x.id === id);
  if (!p) throw new Error(`no profile ${id}`);
  return p;
};
