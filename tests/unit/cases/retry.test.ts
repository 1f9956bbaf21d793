import { describe, expect, it } from 'vitest';
import { retryOnConflict } from '../../../src/domain/cases/retry.js';
import { CaseNotFoundError, ConcurrentUpdateError } from '../../../src/domain/cases/errors.js';
import { CaseService } from '../../../src/domain/cases/case-service.js';
import { DeclarationService } from '../../../src/domain/declarations/declaration-service.js';
import { routeDeclaration } from '../../../src/domain/declarations/declaration.js';
import { DirectoryService, type DirectoryStore } from '../../../src/domain/directory/directory-service.js';
import type { Member, School } from '../../../src/domain/directory/directory.js';
import type { PersonRef } from '../../../src/domain/cases/types.js';
import { MemoryCaseStore } from '../../support/memory-case-store.js';

describe('retryOnConflict', () => {
  it('runs the change again after a conflict and returns what the winning attempt returns', async () => {
    let calls = 0;
    const result = await retryOnConflict('case-1', async () => {
      calls++;
      if (calls < 3) throw new ConcurrentUpdateError('case-1');
      return `done on attempt ${calls}`;
    });
    expect(result).toBe('done on attempt 3');
    expect(calls).toBe(3);
  });

  it('lets any other error through at once, without another attempt', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new CaseNotFoundError('case-1');
    };
    await expect(retryOnConflict('case-1', attempt)).rejects.toBeInstanceOf(CaseNotFoundError);
    expect(calls).toBe(1);
  });

  it('gives up after five conflicts with a conflict naming the case', async () => {
    let calls = 0;
    const attempt = async () => {
      calls++;
      throw new ConcurrentUpdateError('someone else');
    };
    const failure = retryOnConflict('case-7', attempt);
    await expect(failure).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await expect(failure).rejects.toThrow('case-7');
    expect(calls).toBe(5);
  });
});

/** The services' changes, through the case store port: a write that loses to another re-reads and decides again. */
describe('a change that loses to another instance', () => {
  const school: School = { id: 'w', name: 'Westbrook', referencePrefix: 'WB', headTitle: 'Headteacher' };
  const member = (aad: string, roles: Member['roles']): Member => ({ schoolId: 'w', aadObjectId: aad, name: aad, roles });
  const dsl = member('dsl', ['staff', 'dsl']);
  const deputy = member('deputy', ['staff', 'deputyDsl']);
  const head = member('head', ['staff', 'slt', 'headteacher']);
  const teacher = member('teacher', ['staff']);
  const people = [dsl, deputy, head, teacher];
  const directoryStore: DirectoryStore = {
    listSchools: async () => [school],
    getSchool: async (id) => (id === school.id ? school : undefined),
    getMember: async (_s, aad) => people.find((p) => p.aadObjectId === aad),
    listMembers: async () => people,
    schoolsOf: async () => [school.id],
    saveMember: async () => undefined,
  };
  const ref = (m: Member): PersonRef => ({ aadObjectId: m.aadObjectId, name: m.name });

  async function safeguardingCase(store: MemoryCaseStore) {
    const { case: c } = await store.create({
      schoolId: 'w', referencePrefix: 'WB', submissionId: 's1', kind: 'incident', category: 'pupilAtRisk', status: 'new',
      routing: { safeguarding: true, aboutHead: false, queue: 'dsl', severity: 'high', reasons: [] },
      submitter: ref(teacher), answers: {}, evidence: [], outbox: [], now: '2026-01-10T10:00:00.000Z',
    });
    return c;
  }

  it('an acknowledgement that loses to another DSL\'s re-reads the case and leaves theirs standing', async () => {
    const store = new MemoryCaseStore();
    const cases = new CaseService(store, new DirectoryService(directoryStore));
    const c = await safeguardingCase(store);
    // The deputy's acknowledgement lands between this DSL's read and write.
    store.beforeNextUpdate = async () => {
      const d = (await store.get('w', c.id))!;
      await store.update('w', c.id, d.etag, { acknowledged: { by: ref(deputy), at: '2026-01-10T10:01:00.000Z' }, event: { type: 'acknowledged', actor: ref(deputy) } }, '2026-01-10T10:01:00.000Z');
    };
    const r = await cases.acknowledgeAlert(dsl, c.id, 'card');
    expect(r.first).toBe(false);
    expect(r.case.acknowledged?.by.aadObjectId).toBe('deputy');
    expect((await store.get('w', c.id))!.events.filter((e) => e.type === 'acknowledged').map((e) => e.actor?.aadObjectId)).toEqual(['deputy']);
  });

  it('a change that keeps losing ends as a conflict after five tries', async () => {
    const store = new MemoryCaseStore();
    const declarations = new DeclarationService(store, new DirectoryService(directoryStore));
    const { case: c } = await store.create({
      schoolId: 'w', referencePrefix: 'WB', submissionId: 'd1', kind: 'familyDeclaration', category: 'parent', status: 'awaitingAcknowledgement',
      routing: routeDeclaration(teacher), submitter: ref(teacher), answers: {}, stage: {}, evidence: [], outbox: [], now: '2026-01-10T10:00:00.000Z',
    });
    // Every attempt is beaten by another write (here: a note) just before it lands.
    const beaten = () => {
      store.beforeNextUpdate = async () => {
        const d = (await store.get('w', c.id))!;
        await store.update('w', c.id, d.etag, { event: { type: 'noted', actor: ref(head) } }, '2026-01-10T10:02:00.000Z');
        beaten();
      };
    };
    beaten();
    await expect(declarations.acknowledge(head, c.id, 'We talked it through.')).rejects.toBeInstanceOf(ConcurrentUpdateError);
    const after = (await store.get('w', c.id))!;
    expect(after.case.status).toBe('awaitingAcknowledgement');
    // Five tries, each beaten by one other write; none of the tries landed.
    expect(after.events.filter((e) => e.type === 'noted')).toHaveLength(5);
    expect(after.events.some((e) => e.type === 'acknowledged')).toBe(false);
  });
});
