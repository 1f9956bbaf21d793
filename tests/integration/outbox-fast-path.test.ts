import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { createStorageClients } from '../../src/storage/clients.js';
import { CaseRepository } from '../../src/storage/case-repository.js';
import { TableOutboxStore } from '../../src/storage/outbox-store.js';
import { FAST_PATH_RESERVE_MS } from '../../src/domain/cases/outbox-dispatcher.js';
import type { WrittenOutbox } from '../../src/domain/cases/ports.js';
import { DirectoryRepository } from '../../src/storage/directory-repository.js';
import { DirectoryService } from '../../src/domain/directory/directory-service.js';
import { CaseService } from '../../src/domain/cases/case-service.js';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';
import { PEOPLE } from '../support/activities.js';

/**
 * The outbox fast path against real Table storage: the transaction that saves a case hands its messages to
 * the dispatcher with their rows' ETags, so they are sent without a scan or a re-read. Azure (and Azurite)
 * name each row in the batch response percent-encoded; a row key with `|` must still be matched.
 */
describe('outbox fast path', () => {
  it('hands every queued message to the dispatcher with a usable ETag, reserved for it', async () => {
    const storage = createStorageClients({
      kind: 'connectionString',
      connectionString: inject('storageConnectionString'),
      evidenceContainer: 'evidence',
      tablePrefix: 'f' + randomBytes(3).toString('hex'),
    });
    await Promise.all([storage.table('directory').createTable(), storage.table('cases').createTable()]);
    const directoryRepo = new DirectoryRepository(storage.table('directory'));
    await directoryRepo.seedIfEmpty(JSON.parse(readFileSync('config/schools.seed.json', 'utf8')) as DirectorySeed);
    const directory = new DirectoryService(directoryRepo);
    const handed: WrittenOutbox[] = [];
    const repo = new CaseRepository(storage.table('cases'), (_school, w) => handed.push(w));
    const outbox = new TableOutboxStore(storage.table('cases'));
    const submitter = (await directory.member('westbrook', PEOPLE.staff.aad))!;
    const { case: c } = await new CaseService(repo, directory).submitIncident({
      school: (await directory.school('westbrook'))!,
      submitter,
      submissionId: 'fast-path-1',
      evidence: [],
      answers: {
        category: 'pupilContact',
        affected: 'me',
        responsible: 'pupil',
        platform: 'facebook',
        where: 'https://facebook.example/group/1',
        when: 'ongoing',
        whatHappened: 'A pupil sent a friend request',
        pupilAtRisk: 'no',
      },
    });

    expect(handed).toHaveLength(1);
    const items = handed[0].items;
    // Both DSLs and the reporter's receipt.
    expect(items.map((i) => i.kind).sort()).toEqual(['dslAlert', 'dslAlert', 'receipt']);
    // Reserved for this instance: the poll (of any instance) leaves them alone meanwhile, but they are owed.
    const soon = new Date(Date.now() + 10_000).toISOString();
    expect(await outbox.pendingPointers(100, undefined, soon)).toEqual([]);
    expect(await outbox.pendingPointers(100)).toHaveLength(3);
    const later = new Date(Date.now() + FAST_PATH_RESERVE_MS + 1000).toISOString();
    expect(await outbox.pendingPointers(100, undefined, later)).toHaveLength(3);
    // The poll asks each school's partition (one range query each), not the whole table.
    expect(await outbox.pendingPointers(100, undefined, later, ['westbrook'])).toHaveLength(3);
    expect(await outbox.pendingPointers(100, undefined, later, ['eastfield'])).toEqual([]);
    expect(await outbox.pendingPointers(100, 'receipt', later, ['eastfield', 'westbrook'])).toHaveLength(1);
    for (const i of items) {
      expect(i.etag, `${i.kind} to ${i.recipient.name}`).toMatch(/^W\/"/);
      expect(Date.parse(i.reservedUntil!)).toBeGreaterThan(Date.now() + FAST_PATH_RESERVE_MS - 5000);
    }
    // The ETag is the row's current one: saving with it succeeds (a stale one would conflict), and a
    // delivered message leaves no pointer.
    for (const i of items) await outbox.saveOutbox({ ...i, state: 'delivered', deliveredAt: new Date().toISOString() });
    expect(await outbox.pendingPointers(100)).toEqual([]);
    expect(handed[0].case.id).toBe(c.id);
  });
});
