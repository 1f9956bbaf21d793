import type { Request, Response } from 'restify';
import type { RecordKind } from '../domain/policy/profile.js';
import type { ScheduleLine } from '../domain/records/schedule.js';
import type { AppServices } from '../services.js';
import { NotFoundError, type TabContext } from './context.js';
import { BadRequestError } from './errors.js';
import { AAD, bodyOf, text } from './input.js';
import type { Subject } from '../domain/records/subject-access.js';
import { writeSubjectAccessArchive } from './subject-access-archive.js';
import { baselineCitationLabel } from './policy-wording.js';
import { KIND_LABELS, categoryLabelOf } from './vocabulary.js';
import type * as Dto from './dto.js';

const RECORD_LABELS: Record<RecordKind, string> = {
  incident: 'Incident reports',
  accountRequest: 'Account requests',
  familyDeclaration: 'Family declarations',
  postProposal: 'Proposed posts and the post register',
  conversationRef: 'Conversations with the bot',
  directoryEntry: 'Directory entries',
};
/** A kind of case in words (a kind with no label of its own, a rollout's record, by its code). */
const kindLabel = (kind: string): string => (KIND_LABELS as Record<string, string>)[kind] ?? kind;
const FROM_WORDS: Record<ScheduleLine['from'], string> = { ended: 'after it ended', created: 'after it was made', left: 'after the person left' };

function period(p: ScheduleLine['keepFor']): string {
  const parts = [
    p.years ? `${p.years} year${p.years === 1 ? '' : 's'}` : '',
    p.months ? `${p.months} month${p.months === 1 ? '' : 's'}` : '',
    p.days ? `${p.days} day${p.days === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  return parts.join(' and ');
}

/** "6 years after it ended", "At once when the person left". */
export function keepInWords(l: Pick<ScheduleLine, 'keepFor' | 'from'>): string {
  const p = period(l.keepFor);
  if (!p) return l.from === 'left' ? 'Until the person leaves' : l.from === 'ended' ? 'Until it ends' : 'Not kept';
  return `${p} ${FROM_WORDS[l.from]}`;
}

/**
 * Settings → Records: the retention schedule the school works to (each line with its source), the versions
 * it comes from and who authorised them, the tombstones of records destroyed on schedule, the records due for
 * review, and the subject access exports made. Administrators only (the route checks it).
 */
export function recordsHandlers(services: AppServices) {
  const { retention, policies, directory, records, subjectAccess, log } = services;

  async function page(ctx: TabContext): Promise<Dto.RecordsPage> {
      const schoolId = ctx.school.id;
      const [schedule, changes, members, tombstones, reviews, exports] = await Promise.all([
        retention.schedule(schoolId),
        policies.changes(schoolId, 50),
        directory.members(schoolId),
        retention.tombstones(schoolId),
        retention.reviews(schoolId),
        records.exports(schoolId, 200),
      ]);
      const policy = policies.of(ctx.school);
      const names = new Map(members.map((m) => [m.aadObjectId, m.name]));
      return {
        version: schedule.version,
        authorisedBy: schedule.authorisedBy,
        authorisedAt: schedule.authorisedAt,
        schedule: schedule.lines.map((l) => ({
          record: RECORD_LABELS[l.record],
          label: l.label,
          keep: keepInWords(l),
          then: l.then === 'review' ? 'Reviewed by a person' : 'Destroyed',
          source: 'quote' in l.citation ? policy.cite(l.citation) : baselineCitationLabel(l.citation, policies.baseline),
          sourceText: 'quote' in l.citation ? l.citation.quote : l.citation.text,
          note: l.note ?? null,
          origin: l.origin === 'school' ? 'The school\'s policy' : 'Statutory default',
        })),
        changes: changes.map((c) => ({ at: c.at, by: c.actorAad ? (names.get(c.actorAad) ?? 'Someone no longer in the directory') : 'The policy file, when the app started', from: c.from, to: c.to })),
        tombstones: tombstones.map((t) => ({
          reference: t.reference,
          kind: kindLabel(t.kind),
          category: categoryLabelOf(t.kind, t.category),
          createdAt: t.createdAt,
          endedAt: t.endedAt ?? null,
          dueAt: t.dueAt ?? null,
          destroyedAt: t.destroyedAt,
          why: t.why === 'schedule' ? 'On schedule' : t.why === 'review' ? `Destroyed after review${t.reason ? `: ${t.reason}` : ''}` : `Erased on request${t.reason ? `: ${t.reason}` : ''}`,
          scheduleVersion: t.scheduleVersion,
          authorisedBy: t.authorisedBy,
        })),
        reviews: reviews.map((r) => ({ reference: r.reference, kind: kindLabel(r.kind), category: categoryLabelOf(r.kind, r.category), dueAt: r.dueAt, lines: r.lines })),
        exports: exports.map((x) => ({ at: x.at, by: x.by.name, subject: x.subject.name, records: Object.values(x.counts).reduce((a, b) => a + b, 0) })),
      };
  }

  return {
    async show(ctx: TabContext, _req: Request, res: Response) {
      res.send(200, await page(ctx));
    },

    /**
     * A subject access archive, streamed as it is made (a zip: JSON, a readable summary and the images). The
     * person is a member (`aadObjectId`) or a name (`name`, searched in free text and registers). Recorded once
     * written: who made it, about whom, how many records of each source. The log has ids and counts only.
     */
    async subjectAccess(ctx: TabContext, req: Request, res: Response) {
      const b = bodyOf(req);
      let subject: Subject;
      if (b.aadObjectId !== undefined) {
        const aad = typeof b.aadObjectId === 'string' ? b.aadObjectId.toLowerCase() : '';
        if (!AAD.test(aad)) throw new BadRequestError('aadObjectId: an Entra object id (a GUID)');
        const m = await directory.member(ctx.school.id, aad);
        const left = m ? undefined : await records.leaver(ctx.school.id, aad);
        if (!m && !left) throw new NotFoundError('No such member of this school.');
        subject = { aadObjectId: aad, name: m?.name ?? text(b, 'name', true)! };
      } else {
        const name = (text(b, 'name', true) ?? '').trim().replace(/\s+/g, ' ');
        if (name.length < 2 || name.length > 200) throw new BadRequestError('name: between 2 and 200 characters');
        subject = { name };
      }
      const at = services.clock().toISOString();
      res.writeHead(200, {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="subject-access-${at.slice(0, 10)}.zip"`,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      const { counts, caseIds } = await writeSubjectAccessArchive(res, {
        school: ctx.school.name,
        subject,
        by: ctx.member.name,
        at,
        sources: subjectAccess.sources,
        records: subjectAccess.find(ctx.school.id, subject),
      });
      const recorded = await subjectAccess.record(ctx.member, subject, counts, caseIds);
      log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, exportId: recorded.id, counts }, 'subject access export made');
    },

    /** Erase a record where the law allows it, with the grounds; answers with the page (its tombstone in the register). */
    async erase(ctx: TabContext, req: Request, res: Response) {
      const b = bodyOf(req);
      const reference = text(b, 'reference', true)!;
      if (!/^[A-Za-z0-9-]{3,40}$/.test(reference.trim())) throw new BadRequestError('reference: a case reference, for example SM-2026-0042');
      const t = await retention.erase(ctx.member, reference, text(b, 'reason', true)!);
      log.info({ schoolId: ctx.school.id, actor: ctx.member.aadObjectId, caseId: t.caseId }, 'record erased on request');
      res.send(200, await page(ctx));
    },
  };
}
