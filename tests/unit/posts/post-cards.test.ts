import { describe, expect, it } from 'vitest';
import { expectValidCard } from '../../support/adaptive-card.js';
import { postApprovalCard } from '../../../src/teams/posts/post-actions.js';
import { verifyPhotoLink } from '../../../src/evidence/photo-link.js';
import type { CaseRecord, EvidenceRecord } from '../../../src/domain/cases/types.js';
import type { PostAnswers, PostStage } from '../../../src/domain/posts/post-service.js';
import { staticPolicies } from './post-fixtures.js';

const NOW = new Date('2026-03-14T15:00:00Z');
const config = { publicBaseUrl: 'https://safer.example', linkSigningSecret: 's'.repeat(32), teamsAppId: '' };
const refs = { findByAad: async (aad: string) => ({ userId: `29:${aad}` }) } as never;
const deps = { config, refs, policies: staticPolicies, clock: () => NOW } as never;

function proposal(pupils: number, decided = false): CaseRecord {
  const answers: PostAnswers = {
    accountId: 'a'.repeat(16), accountName: 'Westbrook News', platform: 'facebook', platformLabel: 'Facebook', text: 'x'.repeat(5000),
    pupils: Array.from({ length: pupils }, (_, i) => ({ pupilId: `p${i}`, name: `Pupil Number${i} Longsurname`, classOrYear: 'Year 4' })), namedInText: [],
    checks: [{ id: 'posts.content', question: 'Is this a positive and relevant post?', citation: 'the policy: “quote”' }],
  };
  const stage: PostStage = { approvers: [{ aadObjectId: 'head', name: 'Helen Carter' }], approverLabel: 'the Headteacher', ...(decided ? { decision: { by: { aadObjectId: 'head', name: 'Helen Carter' }, decision: 'approved' as const, at: NOW.toISOString() } } : {}) };
  return {
    schoolId: 'westbrook', id: 'c'.repeat(16), reference: 'SM-2026-0042', kind: 'postProposal', category: 'facebook', status: decided ? 'approved' : 'awaitingApproval',
    routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'low', reasons: [] }, submitter: { aadObjectId: 'sam', name: 'Sam Taylor' },
    answers: { ...answers }, stage: { ...stage }, createdAt: NOW.toISOString(), updatedAt: NOW.toISOString(),
  };
}
const photo = (i: number): EvidenceRecord => ({ id: i.toString(16).padStart(16, '0'), blobName: `westbrook/d/${i}`, sha256: 'a'.repeat(64), size: 1, contentType: 'image/jpeg', originalName: 'p.jpg', receivedAt: NOW.toISOString(), source: 'chat' });

describe('the post approval card', () => {
  it('is valid Adaptive Card 1.5 with Approve / Ask for changes / Decline and a refresh for the approvers, and stays well under Teams\' limit at its largest', async () => {
    const card = await postApprovalCard(deps, proposal(30), Array.from({ length: 10 }, (_, i) => photo(i + 1)));
    expectValidCard(card.content);
    const json = JSON.stringify(card.content);
    for (const verb of ['postApprove', 'postChanges', 'postDecline']) expect(json).toContain(`"verb":"${verb}"`);
    expect((card.content.refresh as { userIds: string[] }).userIds).toEqual(['29:head']);
    expect(Buffer.byteLength(json)).toBeLessThan(20_000);
  });

  it('its thumbnails are the app\'s own signed, expiring links, one per photo, never a storage URL', async () => {
    const card = await postApprovalCard(deps, proposal(1), [photo(1), photo(2)]);
    const urls = (card.content.body as Array<{ type: string; images?: Array<{ url: string }> }>).find((b) => b.type === 'ImageSet')!.images!.map((i) => i.url);
    expect(urls).toHaveLength(2);
    for (const [i, url] of urls.entries()) {
      const m = /^https:\/\/safer\.example\/api\/post-photos\/westbrook\/c{16}\/([0-9a-f]{16})\/(.+)$/.exec(url)!;
      expect(m[1]).toBe(photo(i + 1).id);
      expect(verifyPhotoLink(config.linkSigningSecret, { schoolId: 'westbrook', caseId: 'c'.repeat(16), evidenceId: m[1] }, m[2], NOW.getTime())).toEqual({ ok: true });
      expect(verifyPhotoLink(config.linkSigningSecret, { schoolId: 'westbrook', caseId: 'c'.repeat(16), evidenceId: photo(9).id }, m[2], NOW.getTime())).toEqual({ ok: false, reason: 'invalid' });
      expect(verifyPhotoLink(config.linkSigningSecret, { schoolId: 'westbrook', caseId: 'c'.repeat(16), evidenceId: m[1] }, m[2], NOW.getTime() + 2 * 3600_000)).toEqual({ ok: false, reason: 'expired' });
    }
  });

  it('once decided, it shows who decided and when, and no buttons but the link to the case', async () => {
    const card = await postApprovalCard(deps, proposal(1, true), []);
    expectValidCard(card.content);
    const json = JSON.stringify(card.content);
    expect(json).toContain('Approved to go live by Helen Carter');
    expect(json).not.toContain('"verb":"postApprove"');
  });
});

describe('the pupil picker\'s search over the photo-consent register', () => {
  it('a 1,500-pupil register: pages of at most 15, read once for a run of keystrokes; only the school\'s own members may search', async () => {
    const { pupilSearchHandler } = await import('../../../src/teams/posts/post-actions.js');
    const records = Array.from({ length: 1500 }, (_, i) => ({ schoolId: 'westbrook', pupilId: `p${i}`, name: `Pupil ${i}`, classOrYear: `Year ${(i % 6) + 1}`, platforms: [], consentForNames: false, doNotPublish: false, updatedAt: '', updatedBy: '' }));
    let reads = 0;
    const handler = pupilSearchHandler({
      directory: { member: async (_s: string, aad: string) => (aad === 'sam' ? { aadObjectId: 'sam' } : undefined) },
      consent: { register: async () => (reads++, { records, revision: '1' }) },
      clock: () => NOW,
    } as never);
    const ctx = (aad: string) => ({ activity: { from: { aadObjectId: aad } } }) as never;
    const search = async (aad: string, queryText: string, skip = 0, top = 15) =>
      ((await handler(ctx(aad), { queryText, dataset: 'pupils.westbrook', skip, top })) as unknown as { value: { results: Array<{ title: string; value: string }> } }).value.results;
    const first = await search('sam', 'year 4', 0, 50);
    expect(first).toHaveLength(15);
    expect(first.every((r) => /year/i.test(r.title) && r.title.includes('4'))).toBe(true);
    const next = await search('sam', 'year 4', 15);
    expect(next[0]!.title).not.toBe(first[0]!.title);
    expect(await search('sam', 'pupil 1499')).toEqual([{ title: 'Pupil 1499 (Year 6)', value: 'p1499' }]);
    expect(reads).toBe(1);
    expect(((await handler(ctx('stranger'), { queryText: 'a', dataset: 'pupils.westbrook', skip: 0, top: 15 })) as unknown as { type: string }).type).toBe('application/vnd.microsoft.error');
  });
});
