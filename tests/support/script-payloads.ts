import type { CaseRepository } from '../../src/storage/case-repository.js';
import type { DirectoryRepository } from '../../src/storage/directory-repository.js';
import type { StorageClients } from '../../src/storage/clients.js';
import type { CaseRecord } from '../../src/domain/cases/types.js';
import { PEOPLE } from './activities.js';
import { randomBytes } from 'node:crypto';
import { pngBytes, seedEvidence } from './tab-seed.js';

/** Markup that would run (or add an element) if a page rendered it as HTML; `tag` says which field it came from. */
export const scriptIn = (tag: string) => `<script>window.__xss='${tag}'</script><img src=x onerror="window.__xss='${tag}'"> ${tag}-text`;

/** Every text field the Cases tab shows, each holding its own payload. */
export const SCRIPT_FIELDS = [
  'category', 'reason', 'submitter', 'assignee', 'assigneeJobTitle', 'outcome', 'whatHappened', 'where', 'platformOther', 'customAnswer',
  'evidenceName', 'noteActor', 'note',
] as const;
export type ScriptField = (typeof SCRIPT_FIELDS)[number];

/** An open SLT case (so a deputy head sees it) with script in every field, and a school member named with script. */
export async function seedScriptCase(repo: CaseRepository, directoryRepo: DirectoryRepository, storage: StorageClients): Promise<{ case: CaseRecord; assigneeAad: string }> {
  const p = (f: ScriptField) => scriptIn(f);
  const assigneeAad = '00000000-0000-4000-8000-0000000000c5';
  await directoryRepo.saveMember({ schoolId: 'westbrook', aadObjectId: assigneeAad, name: p('assignee'), jobTitle: p('assigneeJobTitle'), roles: ['staff', 'slt'] });
  const ev = { ...(await seedEvidence(storage, pngBytes(64, 48))), originalName: p('evidenceName') };
  const { case: created } = await repo.create({
    schoolId: 'westbrook',
    referencePrefix: 'SM',
    submissionId: `script-${randomBytes(6).toString('hex')}`,
    kind: 'incident',
    category: p('category'),
    status: 'new',
    routing: { safeguarding: false, aboutHead: false, queue: 'slt', severity: 'medium', reasons: [p('reason')] },
    submitter: { aadObjectId: PEOPLE.teacher2.aad, name: p('submitter') },
    answers: { category: 'trolling', platform: 'other', platformOther: p('platformOther'), where: p('where'), whatHappened: p('whatHappened'), [p('customAnswer')]: p('customAnswer') },
    evidence: [ev],
    outbox: [],
    now: new Date().toISOString(),
  });
  const d = (await repo.get(created.schoolId, created.id))!;
  const now = new Date().toISOString();
  const updated = await repo.update(created.schoolId, created.id, d.etag, {
    assignee: { aadObjectId: assigneeAad, name: p('assignee') },
    outcome: p('outcome'),
    event: { type: 'assigned', actor: { aadObjectId: PEOPLE.deputy.aad, name: PEOPLE.deputy.name }, detail: p('assignee') },
  }, now);
  await repo.addEvent(created.schoolId, created.id, { type: 'noted', actor: { aadObjectId: assigneeAad, name: p('noteActor') }, detail: p('note') }, now);
  return { case: updated, assigneeAad };
}
