/**
 * npm run policies:segment [-- <seed folder>]: cuts each seed policy into clauses (src/domain/policy/segment.ts)
 * and writes config/policies/<school>.clauses.json, which the server reads at start (the seed folder, ../shared
 * beside the clone, is not deployed). Refuses to write a clause whose text is not verbatim in its policy.
 * tests/unit/policy/segment.test.ts fails when a committed file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { POLICIES_DIR, PROFILE_FILES, clauseFileName, parseProfile } from '../src/domain/policy/load.js';
import { segmentFile } from '../src/domain/policy/segment.js';

const seedsDir = process.argv[2] ?? process.env.SEEDS_DIR ?? path.resolve('..', 'shared', 'policies');
for (const f of PROFILE_FILES) {
  const profile = parseProfile(readFileSync(path.join(POLICIES_DIR, f.file), 'utf8'), f.file, f.schoolId);
  if (!profile.ok) throw new Error(profile.problems.join('\n'));
  const file = segmentFile(f.schoolId, f.seed, readFileSync(path.join(seedsDir, f.seed), 'utf8'), profile.value.policy.numbered);
  writeFileSync(path.join(POLICIES_DIR, clauseFileName(f.schoolId)), `${JSON.stringify(file, null, 2)}\n`);
  console.log(`${clauseFileName(f.schoolId)}: ${file.clauses.length} clauses from ${f.seed}`);
}
