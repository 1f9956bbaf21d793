import { readFileSync } from 'node:fs';
import { createStorageClients } from '../../src/storage/clients.js';
import { CaseRepository } from '../../src/storage/case-repository.js';
import { ConsentRepository } from '../../src/storage/consent-repository.js';
import { ConsentService } from '../../src/domain/consent/consent-service.js';
import type { DirectorySeed } from '../../src/domain/directory/directory.js';
import type { AccountPlatform } from '../../src/domain/account-requests/minimum-age.js';

export const DEMO_POSTS_FILE = 'config/demo-posts.json';

interface DemoPosts {
  account: { platform: AccountPlatform; nameSuffix: string; administratorRoles: Array<'admin' | 'staff-only'> };
  consentCsv: string;
}

/**
 * Under `npm run dev`, so that "Propose a post" works at once: in each school of the seed, an active official
 * account on the register (approved, as the account-request flow leaves it) and a photo-consent register of
 * fictional pupils, each added only when the school has none. Runs after the server has seeded the directory.
 * Returns how many schools got each.
 */
export async function seedDemoPosts(env: Record<string, string>, seed: DirectorySeed, file = DEMO_POSTS_FILE): Promise<{ accounts: number; registers: number }> {
  const demo = JSON.parse(readFileSync(file, 'utf8')) as DemoPosts;
  const storage = createStorageClients({ kind: 'connectionString', connectionString: env.STORAGE_CONNECTION_STRING!, evidenceContainer: env.EVIDENCE_CONTAINER ?? 'evidence', tablePrefix: env.TABLE_PREFIX ?? '' });
  await storage.ensure();
  const cases = new CaseRepository(storage.table('cases'));
  const consent = new ConsentService(new ConsentRepository(storage.table('consent')));
  let accounts = 0;
  let registers = 0;
  for (const school of seed.schools) {
    const head = school.members.find((m) => m.roles.includes('headteacher'));
    const admins = school.members.filter((m) => demo.account.administratorRoles.some((r) => (r === 'admin' ? m.roles.includes('admin') : m.roles.length === 1 && m.roles[0] === 'staff')));
    const approved = await cases.listClosed(school.id, { filter: `kind eq 'accountRequest' and status eq 'approved'`, pageSize: 1 });
    if (!approved.items.length && head && admins.length) {
      const now = new Date().toISOString();
      const lead = { aadObjectId: admins[0]!.aadObjectId, name: admins[0]!.name };
      const short = school.name.replace(/\s+(Community\s+)?(Primary\s+)?(School|Academy)\b.*$/i, '');
      await cases.create({
        schoolId: school.id,
        referencePrefix: school.referencePrefix,
        submissionId: `demo-account-${school.id}`,
        kind: 'accountRequest',
        category: demo.account.platform,
        status: 'approved',
        routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: ['school social-media account request'] },
        submitter: lead,
        answers: {
          platform: demo.account.platform,
          accountName: `${short} ${demo.account.nameSuffix}`,
          aim: 'News and celebrations for families (demo data)',
          administrators: admins.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
          moderators: admins.map((m) => ({ aadObjectId: m.aadObjectId, name: m.name })),
          goLive: now.slice(0, 10),
          reviewDate: `${Number(now.slice(0, 4)) + 1}${now.slice(4, 10)}`,
        },
        stage: { round: 1, chain: [], decisions: [], register: { lead, approvedAt: now, transfers: [] } },
        evidence: [],
        outbox: [],
        createdEvent: { detail: 'Demo data for npm run dev.' },
        now,
      });
      accounts++;
    }
    if (head && !(await consent.register(school.id)).records.length) {
      await consent.commit(school.id, head.aadObjectId, demo.consentCsv);
      registers++;
    }
  }
  return { accounts, registers };
}
