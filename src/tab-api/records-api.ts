import type { Request, Response } from 'restify';
import type { RecordKind } from '../domain/policy/profile.js';
import type { ScheduleLine } from '../domain/records/schedule.js';
import type { AppServices } from '../services.js';
import type { TabContext } from './context.js';
import { baselineCitationLabel } from './policy-wording.js';
import { KIND_LABELS, categoryLabelOf } from './vocabulary.js';
import type * as Dto from './dto.js';

const RECORD_LABELS: Record<RecordKind, string> = {
  incident: 'Incident reports',
  accountRequest: 'Account requests',
  familyDeclaration: 'Family declarations',
  conversationRef: 'Conversations with the bot',
  directoryEntry: 'Directory entries',
};
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
  const { retention, policies, directory, records } = services;

  return {
    async show(ctx: TabContext, _req: Request, res: Response) {
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
      const page: Dto.RecordsPage = {
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
          kind: KIND_LABELS[t.kind] ?? t.kind,
          category: categoryLabelOf(t.kind, t.category),
          createdAt: t.createdAt,
          endedAt: t.endedAt ?? null,
          dueAt: t.dueAt ?? null,
          destroyedAt: t.destroyedAt,
          why: t.why === 'schedule' ? 'On schedule' : `Erased on request${t.reason ? `: ${t.reason}` : ''}`,
          scheduleVersion: t.scheduleVersion,
          authorisedBy: t.authorisedBy,
        })),
        reviews: reviews.map((r) => ({ reference: r.reference, kind: KIND_LABELS[r.kind] ?? r.kind, category: categoryLabelOf(r.kind, r.category), dueAt: r.dueAt, lines: r.lines })),
        exports: exports.map((x) => ({ at: x.at, by: x.by.name, subject: x.subject.name, records: Object.values(x.counts).reduce((a, b) => a + b, 0) })),
      };
      res.send(200, page);
    },
  };
}
