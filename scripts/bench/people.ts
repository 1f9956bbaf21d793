import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';
import type { Person } from '../../tests/support/activities.js';
import { OUT_DIR } from './processes.js';

/** Simulated members of staff: Entra-shaped object ids, distinct from the committed seed's people. */
export function staff(count: number, offset = 0): Person[] {
  return Array.from({ length: count }, (_, i) => ({
    aad: `00000000-0000-4000-9000-${String(offset + i + 1).padStart(12, '0')}`,
    name: `Bench Staff ${offset + i + 1}`,
  }));
}

/** The committed seed (Westbrook, its DSLs, head and chair) plus the simulated staff, as a directory seed file. */
export function writeBenchSeed(people: Person[]): string {
  const seed = JSON.parse(readFileSync('config/schools.seed.json', 'utf8')) as DirectorySeed;
  seed.schools[0].members.push(...people.map((p) => ({ aadObjectId: p.aad, name: p.name, jobTitle: 'Teacher', roles: ['staff' as const] })));
  mkdirSync(OUT_DIR, { recursive: true });
  const file = `${OUT_DIR}/seed.json`;
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

/** A PNG-signed byte string of the given size: the server checks the signature, not the pixels. */
export function pngOfSize(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b);
  for (let i = 8; i < bytes; i += 4096) b[i] = (i * 31) & 0xff;
  return b;
}
