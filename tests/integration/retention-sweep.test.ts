import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createStorageClients, type StorageClients } from '../../src/storage/clients.js';
import { CaseRepository } from '../../src/storage/case-repository.js';
import { RecordsRepository } from '../../src/storage/records-repository.js';
import { RetentionService } from '../../src/domain/records/retention-service.js';
import { PolicyService } from '../../src/domain/policy/policy-service.js';
import { readPolicyFiles } from '../../src/policy-files.js';
import type { CaseRecord, EvidenceRecord } from '../../src/domain/cases/types.js';
import type { Member } from '../../src/domain/directory/directory.js';

const SCHOOL = 'westbrook';
const { profiles, baseline } = readPolicyFiles('config/policies');
const dsl: Member = { schoolId: SCHOOL, aadObjectId: '00000000-0000-4000-8000-0000000000d1', name: 'Dana Lead', roles: ['staff', 'dsl'] };
const head: Member = { schoolId: SCHOOL, aadObjectId: '00000000-0000-4000-8000-0000000000b1', name: 'Hilary Head', roles: ['staff', 'headteacher'] };
const staff: Member = { schoolId: SCHOOL, aadObjectId: '00000000-0000-4000-8000-0000000000a1', name: 'Sam Staff', roles: ['staff'] };

let storage: StorageClients;
let caseRepo: CaseRepository;
let now = Date.parse('2026-03-02T10:00:00Z');

function service() {
  // Each call builds its own repositories, as another instance would.
  return new RetentionService({
    store: new RecordsRepository(storage.table('cases'), storage.table('records'), storage.evidence),
    cases: caseRepo,
    policies: new PolicyService(profiles, baseline, { school: async (id) => ({ id, name: 'School', referencePrefix: 'SM', headTitle: 'Headteacher' }) }),
    directory: { member: async (_s, aad) => [dsl, head, staff].find((m) => m.aadObjectId === aad) },
    clock: () => new Date(now),
  });
}

async function putBlob(name: string): Promise<void> {
  await storage.evidence.getBlockBlobClient(name).upload(Buffer.from('x'), 1);
}
const blobExists = (name: string) => storage.evidence.getBlockBlobClient(name).exists();

/** A closed case with one screenshot, its derived previews beside it. */
async function closedCase(category: string, opts: { safeguarding?: boolean } = {}): Promise<{ c: CaseRecord; blobs: string[] }> {
  const submission = randomBytes(6).toString('hex');
  const evId = randomBytes(8).toString('hex');
  const blobName = `${SCHOOL}/${submission}/${evId}`;
  const blobs = [blobName, `${blobName}.display.webp`, `${blobName}.thumb.webp`];
  for (const b of blobs) await putBlob(b);
  const ev: EvidenceRecord = { id: evId, blobName, sha256: 'a'.repeat(64), size: 1, contentType: 'image/png', originalName: 'shot.png', receivedAt: new Date(now).toISOString(), source: 'chat' };
  const at = new Date(now).toISOString();
  const { case: c } = await caseRepo.create({
    schoolId: SCHOOL, referencePrefix: 'SM', submissionId: submission, kind: 'incident', category, status: 'new',
    routing: { safeguarding: Boolean(opts.safeguarding), aboutHead: false, queue: opts.safeguarding ? 'dsl' : 'slt', severity: 'low', reasons: [] },
    submitter: { aadObjectId: staff.aadObjectId, name: staff.name }, answers: { description: 'what happened' }, evidence: [ev],
    outbox: [{ kind: 'receipt', recipient: { aadObjectId: staff.aadObjectId, name: staff.name }, payload: {} }], now: at,
  });
  const d = await caseRepo.get(SCHOOL, c.id);
  const closed = await caseRepo.update(SCHOOL, c.id, d!.etag, { status: 'closed', event: { type: 'statusChanged', detail: 'done' } }, at);
  return { c: closed, blobs };
}

async function rowsOf(caseId: string, reference: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of storage.table('cases').listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${SCHOOL}'` } })) {
    if (String(e.rowKey).includes(caseId) || e.caseId === caseId || String(e.rowKey) === `r|${reference}`) out.push(String(e.rowKey));
  }
  return out;
}

beforeAll(async () => {
  storage = createStorageClients({
    kind: 'connectionString',
    connectionString: inject('storageConnectionString'),
    evidenceContainer: 'ret' + randomBytes(3).toString('hex'),
    tablePrefix: 'r' + randomBytes(3).toString('hex'),
  });
  await storage.ensure();
  caseRepo = new CaseRepository(storage.table('cases'));
});

describe('the retention sweeper (Table and Blob storage)', () => {
  it('destroys a due record with its rows and every blob of its images, leaves a tombstone, and keeps held and undue ones', async () => {
    const due = await closedCase('trolling');
    const held = await closedCase('trolling');
    const notYet = await closedCase('cyberbullying');
    const safeguarding = await closedCase('pupilContact', { safeguarding: true });
    // An unrelated blob whose name starts like another's must survive.
    await putBlob(`${due.blobs[0]}0`);
    expect((await rowsOf(due.c.id, due.c.reference)).length).toBeGreaterThan(6);

    const svc = service();
    // The DSL may not see an ordinary incident, so may not hold it; the head may.
    await expect(svc.placeHold(dsl, held.c.id, 'x')).rejects.toThrow(held.c.id);
    await svc.placeHold(head, held.c.id, 'Solicitor\'s letter: a claim is expected');
    await expect(svc.placeHold(staff, notYet.c.id, 'x')).rejects.toThrow(/safeguarding lead or the head/);
    await expect(svc.placeHold(dsl, notYet.c.id, '   ')).rejects.toThrow(/reason/);

    // Two years and a day later: trolling reports are due; the cyberbullying one (six years) is not.
    now = Date.parse('2028-03-03T10:00:00Z');
    expect(await svc.sweep([SCHOOL])).toMatchObject({ destroyed: 1, held: 1 });

    expect(await caseRepo.get(SCHOOL, due.c.id)).toBeUndefined();
    expect(await rowsOf(due.c.id, due.c.reference)).toEqual([]);
    for (const b of due.blobs) expect(await blobExists(b), b).toBe(false);
    expect(await blobExists(`${due.blobs[0]}0`)).toBe(true);
    const [t] = await svc.tombstones(SCHOOL);
    expect(t).toMatchObject({
      caseId: due.c.id, reference: due.c.reference, kind: 'incident', category: 'trolling', why: 'schedule',
      createdAt: due.c.createdAt, dueAt: '2028-03-03T00:00:00.000Z', destroyedAt: '2028-03-03T10:00:00.000Z',
      scheduleVersion: `baseline v${baseline.version}, school policy v${profiles.get(SCHOOL)!.version}`,
    });
    expect(t.authorisedBy).toMatch(/policy file/);
    expect(JSON.stringify(t)).not.toContain('what happened');

    // The held one stays, with its blobs and its hold in the chronology.
    const h = await caseRepo.get(SCHOOL, held.c.id);
    expect(h?.case.legalHold).toMatchObject({ by: { name: head.name }, reason: expect.stringContaining('claim') });
    expect(h?.events.map((e) => e.type)).toContain('legalHoldPlaced');
    for (const b of held.blobs) expect(await blobExists(b)).toBe(true);
    expect(await caseRepo.get(SCHOOL, notYet.c.id)).toBeDefined();

    // Lifted, the schedule applies again.
    await svc.liftHold(head, held.c.id, 'Claim settled');
    expect(await svc.sweep([SCHOOL])).toMatchObject({ destroyed: 1, held: 0 });
    expect(await caseRepo.get(SCHOOL, held.c.id)).toBeUndefined();
    // Running it again finds nothing more to do.
    expect(await svc.sweep([SCHOOL])).toMatchObject({ destroyed: 0 });

    // 25 years on: the safeguarding concern is listed for review, never destroyed unseen.
    now = Date.parse('2051-03-04T10:00:00Z');
    expect(await svc.sweep([SCHOOL])).toMatchObject({ destroyed: 1, review: 1 });
    expect(await caseRepo.get(SCHOOL, safeguarding.c.id)).toBeDefined();
    expect(await svc.reviews(SCHOOL)).toEqual([expect.objectContaining({ caseId: safeguarding.c.id, reference: safeguarding.c.reference })]);
    expect((await svc.tombstones(SCHOOL)).map((x) => x.reference)).toEqual(expect.arrayContaining([due.c.reference, held.c.reference, notYet.c.reference]));

    // The DSL reviews it: kept two more years, in its chronology; not due again until then.
    await expect(svc.review(staff, safeguarding.c.id, 'keep', 'x', 2)).rejects.toThrow(/safeguarding lead or the head/);
    await expect(svc.review(dsl, safeguarding.c.id, 'keep', 'Sibling still at the school', 0)).rejects.toThrow(/between 1 and 25/);
    await svc.review(dsl, safeguarding.c.id, 'keep', 'Sibling still at the school', 2);
    expect(await svc.reviews(SCHOOL)).toEqual([]);
    const kept = await caseRepo.get(SCHOOL, safeguarding.c.id);
    expect(kept?.case.retentionReview).toMatchObject({ by: { name: dsl.name }, reason: 'Sibling still at the school' });
    expect(kept?.events.map((e) => e.type)).toContain('retentionReviewed');
    expect(await svc.sweep([SCHOOL])).toMatchObject({ destroyed: 0, review: 0 });
    await expect(svc.review(dsl, safeguarding.c.id, 'destroy', 'now')).rejects.toThrow(/not due for review/);
    // Two years on it is due for review again; this time the DSL destroys it.
    now = Date.parse('2053-03-06T10:00:00Z');
    expect(await svc.sweep([SCHOOL])).toMatchObject({ review: 1 });
    await svc.review(dsl, safeguarding.c.id, 'destroy', 'No further need: the child left long ago');
    expect(await caseRepo.get(SCHOOL, safeguarding.c.id)).toBeUndefined();
    for (const b of safeguarding.blobs) expect(await blobExists(b)).toBe(false);
    expect((await svc.tombstones(SCHOOL)).find((x) => x.caseId === safeguarding.c.id)).toMatchObject({ why: 'review', authorisedBy: dsl.name, reason: expect.stringContaining('No further need') });
    expect(await svc.reviews(SCHOOL)).toEqual([]);
  });

  it('two sweepers at once destroy each record once', async () => {
    now = Date.parse('2030-01-01T10:00:00Z');
    const made = await Promise.all([closedCase('trolling'), closedCase('trolling'), closedCase('disparaging')]);
    now = Date.parse('2033-01-01T10:00:00Z');
    const before = (await service().tombstones(SCHOOL)).length;
    const [a, b] = await Promise.all([service().sweep([SCHOOL]), service().sweep([SCHOOL])]);
    expect(a.destroyed + b.destroyed).toBe(3);
    const after = await service().tombstones(SCHOOL);
    expect(after.length).toBe(before + 3);
    for (const m of made) {
      expect(await caseRepo.get(SCHOOL, m.c.id)).toBeUndefined();
      for (const blob of m.blobs) expect(await blobExists(blob)).toBe(false);
    }
  });
});
