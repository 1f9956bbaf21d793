import { PNG } from 'pngjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { CaseRepository } from '../../src/storage/case-repository.js';
import type { CaseKind, CaseStatus, EvidenceRecord, Routing } from '../../src/domain/cases/types.js';
import type { StorageClients } from '../../src/storage/clients.js';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';

/** A second school for cross-school checks, beside the committed seed's Westbrook. */
export const OAKFIELD = {
  id: 'oakfield',
  slt: { aad: '00000000-0000-4000-8000-000000000101', name: 'Olu Adeyemi' },
};

/** Write a seed file with the committed schools plus Oakfield; returns its path. */
export function writeTwoSchoolSeed(tag: string): string {
  const seed = JSON.parse(readFileSync('config/schools.seed.json', 'utf8')) as DirectorySeed;
  seed.schools.push({
    id: OAKFIELD.id,
    name: 'Oakfield Academy',
    referencePrefix: 'OA',
    headTitle: 'Principal',
    members: [{ aadObjectId: OAKFIELD.slt.aad, name: OAKFIELD.slt.name, roles: ['staff', 'slt', 'headteacher', 'dsl'] }],
  });
  mkdirSync('.tmp', { recursive: true });
  const file = `.tmp/tab-seed-${tag}.json`;
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

export interface SeedCase {
  schoolId?: string;
  prefix?: string;
  kind?: CaseKind;
  category: string;
  status?: CaseStatus;
  routing: Partial<Routing>;
  submitterAad: string;
  answers?: Record<string, unknown>;
  createdAt?: Date;
  evidence?: EvidenceRecord[];
}

/** Create a case directly in storage (as the bot's flows would), with a chosen creation time and no alerts owed. */
export async function seedCase(repo: CaseRepository, c: SeedCase) {
  const routing: Routing = { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [], ...c.routing };
  const { case: created } = await repo.create({
    schoolId: c.schoolId ?? 'westbrook',
    referencePrefix: c.prefix ?? 'SM',
    submissionId: `seed-${randomBytes(6).toString('hex')}`,
    kind: c.kind ?? 'incident',
    category: c.category,
    status: c.status ?? 'new',
    routing,
    submitter: { aadObjectId: c.submitterAad, name: 'Seeded reporter' },
    answers: c.answers ?? { category: c.category, whatHappened: 'seeded' },
    evidence: c.evidence ?? [],
    outbox: [],
    now: (c.createdAt ?? new Date()).toISOString(),
  });
  return created;
}

/** Store an evidence image in the private container and return its record. */
export async function seedEvidence(storage: StorageClients, bytes: Buffer, contentType = 'image/png'): Promise<EvidenceRecord> {
  const id = randomBytes(8).toString('hex');
  const blobName = `westbrook/${id}.bin`;
  await storage.evidence.getBlockBlobClient(blobName).uploadData(bytes, { blobHTTPHeaders: { blobContentType: contentType } });
  return { id, blobName, sha256: 'x'.repeat(64), size: bytes.length, contentType, originalName: 'screenshot.png', receivedAt: new Date().toISOString(), source: 'chat' };
}

/** A small real PNG (coloured stripes) for evidence. */
export function pngBytes(width = 96, height = 64): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (width * y + x) << 2;
      const band = Math.floor(x / 16) % 3;
      png.data[i] = band === 0 ? 220 : 30;
      png.data[i + 1] = band === 1 ? 180 : 40;
      png.data[i + 2] = band === 2 ? 200 : 60;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/**
 * An allegation about a member of staff whose routing owes the LADO a referral within one working day, as
 * the routing puts it on new cases (statutory guidance: KCSIE part four).
 */
export function seedLadoCase(repo: CaseRepository, c: Partial<SeedCase> & { submitterAad: string }) {
  return seedCase(repo, {
    category: 'staffMisuse',
    ...c,
    routing: { queue: 'head', severity: 'high', reasons: ['allegation about a member of staff'], external: [{ body: 'lado', within: 'oneWorkingDay' }], ...c.routing },
  });
}
