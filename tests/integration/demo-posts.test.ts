import { describe, expect, it, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seedDemoPosts } from '../../scripts/lib/demo-posts.js';
import { direct } from '../support/direct.js';
import { ConsentRepository } from '../../src/storage/consent-repository.js';
import { ConsentService } from '../../src/domain/consent/consent-service.js';
import { PostService } from '../../src/domain/posts/post-service.js';
import { PolicyService } from '../../src/domain/policy/policy-service.js';
import { readPolicyFiles } from '../../src/policy-files.js';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';

describe('npm run dev: demo accounts and photo-consent registers for proposing a post', () => {
  it('gives each school of the demo trust one active account and a register, once', async () => {
    const prefix = 'd' + randomBytes(3).toString('hex');
    const env = { STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix };
    const seed = JSON.parse(readFileSync('config/schools.demo.json', 'utf8')) as DirectorySeed;
    expect(await seedDemoPosts(env, seed)).toEqual({ accounts: 5, registers: 5 });
    expect(await seedDemoPosts(env, seed)).toEqual({ accounts: 0, registers: 0 });
    const db = direct(inject('storageConnectionString'), prefix);
    await db.directoryRepo.seedIfEmpty(seed);
    const consent = new ConsentService(new ConsentRepository(db.storage.table('consent')));
    const { profiles, baseline } = readPolicyFiles('config/policies');
    const posts = new PostService(db.caseRepo, db.directory, new PolicyService(profiles, baseline, db.directory), consent);
    for (const s of seed.schools) {
      const accounts = await posts.activeAccounts(s.id);
      expect(accounts.map((a) => a.platform), s.id).toEqual(['facebook']);
      expect(accounts[0]!.administrators.length, s.id).toBeGreaterThan(0);
      expect((await consent.register(s.id)).records.map((r) => r.name), s.id).toContain('Ava Brown');
    }
  });
});
