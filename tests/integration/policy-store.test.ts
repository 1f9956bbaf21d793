import { describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createStorageClients } from '../../src/storage/clients.js';
import { PolicyRepository } from '../../src/storage/policy-repository.js';
import { adoptProfileFile, PolicyConflictError } from '../../src/domain/policy/policy-store.js';
import { PolicyService, PolicySwitchRefusedError } from '../../src/domain/policy/policy-service.js';
import { readPolicyFiles } from '../../src/policy-files.js';
import type { PolicyProfile } from '../../src/domain/policy/profile.js';
import type { Member } from '../../src/domain/directory/directory.js';

const { profiles, baseline } = readPolicyFiles('config/policies');
const newallGreen = profiles.get('newall-green')!;
const withVersion = (p: PolicyProfile, version: number, note = `Version ${version}`): PolicyProfile => ({ ...structuredClone(p), version, versionNotes: [note] });

async function freshStore() {
  const storage = createStorageClients({ kind: 'connectionString', connectionString: inject('storageConnectionString'), evidenceContainer: 'evidence', tablePrefix: 'p' + randomBytes(3).toString('hex') });
  await storage.table('policies').createTable();
  return { repo: new PolicyRepository(storage.table('policies')), table: storage.table('policies') };
}
const admin: Member = { schoolId: 'newall-green', aadObjectId: '00000000-0000-4000-8000-0000000000a1', name: 'An Admin', roles: ['staff', 'admin'] };
const at = (s: string) => new Date(`2026-03-0${s}T09:00:00Z`);

describe('policy profiles stored with the school, versioned (Table storage)', () => {
  it('the first start stores the file and makes it current; the stored profile reads back whole', async () => {
    const { repo } = await freshStore();
    expect(await adoptProfileFile(repo, newallGreen, at('1'))).toBe('stored');
    expect(await repo.current('newall-green')).toMatchObject({ version: newallGreen.version, setBy: 'file' });
    expect(await repo.version('newall-green', newallGreen.version)).toEqual(newallGreen);
    expect(await repo.versions('newall-green')).toEqual([{ version: newallGreen.version, notes: newallGreen.versionNotes, addedAt: at('1').toISOString() }]);
    expect(await repo.changes('newall-green', 10)).toEqual([{ schoolId: 'newall-green', at: at('1').toISOString(), actorAad: null, from: null, to: newallGreen.version }]);
    // A second start with the same file changes nothing.
    expect(await adoptProfileFile(repo, newallGreen, at('2'))).toBe('unchanged');
    expect(await repo.changes('newall-green', 10)).toHaveLength(1);
  });

  it('a profile larger than one table property is split and joined again', async () => {
    const { repo } = await freshStore();
    const big = withVersion(newallGreen, 1, 'x'.repeat(70_000));
    expect(await repo.addVersion(big, at('1').toISOString())).toBe(true);
    expect(await repo.version('newall-green', 1)).toEqual(big);
    expect((await repo.versions('newall-green'))[0]!.notes[0]).toHaveLength(1000);
  });

  it('a newer file is added and made current while the current one came from a file; never deleting a version', async () => {
    const { repo } = await freshStore();
    await adoptProfileFile(repo, withVersion(newallGreen, 1), at('1'));
    expect(await adoptProfileFile(repo, withVersion(newallGreen, 2), at('2'))).toBe('added');
    expect(await repo.current('newall-green')).toMatchObject({ version: 2, setBy: 'file' });
    expect((await repo.versions('newall-green')).map((v) => v.version)).toEqual([2, 1]);
    // An older file at a later start neither adds a current version nor removes the newer one.
    expect(await adoptProfileFile(repo, withVersion(newallGreen, 1), at('3'))).toBe('older');
    expect((await repo.current('newall-green'))!.version).toBe(2);
  });

  it('once an administrator has chosen a version, a newer file is held but not switched to', async () => {
    const { repo } = await freshStore();
    await adoptProfileFile(repo, withVersion(newallGreen, 1), at('1'));
    await adoptProfileFile(repo, withVersion(newallGreen, 2), at('2'));
    const policies = new PolicyService(repo, baseline, { school: async () => undefined });
    expect(await policies.switchTo(admin, 1)).toBe(true);
    expect(await adoptProfileFile(repo, withVersion(newallGreen, 3), at('3'))).toBe('addedNotCurrent');
    expect(await repo.current('newall-green')).toMatchObject({ version: 1, setBy: 'administrator' });
    expect((await repo.versions('newall-green')).map((v) => v.version)).toEqual([3, 2, 1]);
    const trail = await repo.changes('newall-green', 10);
    expect(trail.map((c) => [c.actorAad, c.from, c.to])).toEqual([[admin.aadObjectId, 2, 1], [null, 1, 2], [null, null, 1]]);
  });

  it('a file whose content changed under the same version number is reported, not stored', async () => {
    const { repo } = await freshStore();
    await adoptProfileFile(repo, withVersion(newallGreen, 1), at('1'));
    const edited = withVersion(newallGreen, 1);
    edited.terms = { ...edited.terms, headTitle: 'Someone else' };
    expect(await adoptProfileFile(repo, edited, at('2'))).toBe('differs');
    expect((await repo.version('newall-green', 1))!.terms.headTitle).toBe(newallGreen.terms.headTitle);
  });

  it('a change of the current version made with an old ETag is refused, and writes no trail entry', async () => {
    const { repo } = await freshStore();
    await adoptProfileFile(repo, withVersion(newallGreen, 1), at('1'));
    await repo.addVersion(withVersion(newallGreen, 2), at('2').toISOString());
    const seen = await repo.current('newall-green');
    await repo.setCurrent({ schoolId: 'newall-green', at: at('3').toISOString(), actorAad: admin.aadObjectId, from: 1, to: 2 }, 'administrator', seen);
    await expect(repo.setCurrent({ schoolId: 'newall-green', at: at('4').toISOString(), actorAad: admin.aadObjectId, from: 1, to: 1 }, 'administrator', seen)).rejects.toBeInstanceOf(PolicyConflictError);
    expect(await repo.changes('newall-green', 10)).toHaveLength(2);
  });

  it('PolicyService reads the current version through the store and applies a switch at once', async () => {
    const { repo } = await freshStore();
    await adoptProfileFile(repo, withVersion(newallGreen, 1), at('1'));
    const v2 = withVersion(newallGreen, 2);
    v2.terms = { ...v2.terms, headTitle: 'Principal' };
    await adoptProfileFile(repo, v2, at('2'));
    const policies = new PolicyService(repo, baseline, { school: async (id) => ({ id, name: 'Newall Green Primary School', headTitle: 'Headteacher', referencePrefix: 'NG' }) });
    await policies.load(['newall-green']);
    const school = { id: 'newall-green', name: 'Newall Green Primary School', headTitle: 'Headteacher' };
    expect(policies.of(school).profile?.version).toBe(2);
    expect(policies.of(school).terms.headTitle).toBe('Principal');
    await policies.switchTo(admin, 1);
    expect(policies.of(school).profile?.version).toBe(1);
    expect((await policies.forSchool('newall-green')).terms.headTitle).toBe(newallGreen.terms.headTitle);
    // Nobody but an administrator switches; nor to a version that is not held.
    await expect(policies.switchTo({ ...admin, roles: ['staff', 'slt', 'headteacher'] }, 2)).rejects.toBeInstanceOf(PolicySwitchRefusedError);
    await expect(policies.switchTo(admin, 9)).rejects.toThrow('No version 9 of the policy is held for this school.');
    expect(await policies.switchTo(admin, 1)).toBe(false);
    expect(await repo.changes('newall-green', 10)).toHaveLength(3);
  });

  it('a school with no stored profile gets the silent profile', async () => {
    const { repo } = await freshStore();
    const policies = new PolicyService(repo, baseline, { school: async () => undefined });
    const p = await policies.forSchool('kimberley');
    expect(p.held).toBe(false);
  });
});
