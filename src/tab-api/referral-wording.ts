import { owedState, statutoryDeadlines, type StatutoryDeadline } from '../domain/cases/referrals.js';
import type { CaseRecord, CaseSummary, ExternalBody, ReferralWithin } from '../domain/cases/types.js';
import { POLICY_CATEGORIES, type PolicyCitation, type RouteValue, type StatutoryBaseline, type StatutoryCitation } from '../domain/policy/profile.js';
import type { SchoolPolicy } from '../domain/policy/school-policy.js';
import { shortTime } from '../domain/time.js';
import type * as Dto from './dto.js';
import { DEADLINE_STATE_LABELS, REFERRAL_BODY_LABELS, REFERRAL_BODY_NAMES, REFERRAL_WITHIN_LABELS } from './vocabulary.js';

/** A statutory source as the tab names it: "Keeping children safe in education, Part four (statutory guidance)". */
export function statutoryName(baseline: StatutoryBaseline, c: StatutoryCitation): string {
  const publisher = baseline.sources.find((s) => s.title === c.source)?.publisher ?? '';
  const kind = /statutory guidance/i.test(publisher) ? 'statutory guidance' : /^UK law/i.test(publisher) ? 'UK law' : 'guidance';
  return `${c.source}${c.section ? `, ${c.section}` : ''} (${kind})`;
}

/**
 * Where a deadline comes from: the statutory guidance that sets it, or else the school's own policy clause, or
 * nothing (the case's routing owes it, but neither names it: no source is made up).
 */
export function deadlineSource(policy: SchoolPolicy, body: ExternalBody, within: ReferralWithin): string | null {
  const sets = (v: RouteValue | undefined) => v?.external?.some((e) => e.body === body && e.within === within) ?? false;
  for (const category of POLICY_CATEGORIES) {
    const base = policy.baseline.rules[`route.${category}`] as { value: RouteValue; citation: StatutoryCitation } | undefined;
    if (base && sets(base.value)) return statutoryName(policy.baseline, base.citation);
  }
  for (const category of POLICY_CATEGORIES) {
    const own = policy.profile?.rules[`route.${category}`] as { applies: boolean; value: RouteValue; citation?: PolicyCitation } | undefined;
    if (own?.applies && own.citation && sets(own.value)) return policy.cite(own.citation);
  }
  return null;
}

/** One owed referral in words: "LADO referral due by Mon 9 Mar, 14:30 — within one working day (…)". */
export function deadlineText(d: StatutoryDeadline, source: string | null): string {
  const body = REFERRAL_BODY_LABELS[d.body];
  const why = `${d.within === 'unspecified' ? 'no time set' : REFERRAL_WITHIN_LABELS[d.within]}${source ? ` (${source})` : ''}`;
  if (d.state === 'met' && d.metBy) {
    const late = d.late && d.due ? `, after it was due (${shortTime(d.due)})` : '';
    return `${body} referral made ${shortTime(d.metBy.at)}, reference ${d.metBy.reference}${late} — ${why}`;
  }
  if (d.due === null) return `${body} referral owed — ${why}`;
  if (d.within === 'immediately') return `${body} referral due immediately, since ${shortTime(d.due)} — ${why}`;
  if (d.state === 'overdue') return `${body} referral overdue: it was due by ${shortTime(d.due)} — ${why}`;
  return `${body} referral due by ${shortTime(d.due)} — ${why}`;
}

/** The referrals section of a case: what it owes and what was made. */
export function presentReferrals(c: Pick<CaseRecord, 'routing' | 'createdAt' | 'referrals'>, policy: SchoolPolicy, now: Date): Dto.CaseReferrals {
  return {
    deadlines: statutoryDeadlines(c, now).map((d) => {
      const source = deadlineSource(policy, d.body, d.within);
      return {
        body: d.body,
        bodyLabel: REFERRAL_BODY_LABELS[d.body],
        within: d.within,
        withinLabel: REFERRAL_WITHIN_LABELS[d.within],
        due: d.due,
        state: d.state,
        stateLabel: DEADLINE_STATE_LABELS[d.state],
        late: d.late ?? false,
        source,
        text: deadlineText(d, source),
      };
    }),
    recorded: (c.referrals ?? []).map((r) => ({
      body: r.body,
      bodyLabel: REFERRAL_BODY_NAMES[r.body],
      reference: r.reference,
      at: r.at,
      referredBy: r.referredBy.name,
      note: r.note ?? null,
      recordedBy: r.recordedBy.name,
      recordedAt: r.recordedAt,
    })),
    bodies: Object.entries(REFERRAL_BODY_NAMES).map(([value, label]) => ({ value, label })),
  };
}

/** The list's flag while a statutory referral is owed: "LADO referral due", "LADO and ICO referrals overdue". */
export function referralFlag(s: Pick<CaseSummary, 'referralsOwed'>, now: Date): Dto.CaseSummary['referralDue'] {
  const state = owedState(s.referralsOwed, now);
  if (!state || !s.referralsOwed) return null;
  const bodies = s.referralsOwed.map((o) => REFERRAL_BODY_LABELS[o.body]);
  const names = bodies.length > 1 ? `${bodies.slice(0, -1).join(', ')} and ${bodies.at(-1)} referrals` : `${bodies[0]} referral`;
  return { overdue: state === 'overdue', text: `${names} ${state === 'overdue' ? 'overdue' : 'due'}` };
}
