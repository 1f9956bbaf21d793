/**
 * What the report flow says from the school's policy: the advice after a report, whether screenshots may be
 * asked for, and the quotes the notices and the menu show — each line with its citation, the school's own
 * clause (`SchoolPolicy.cite`) or the statutory source by name. Where the policy is silent nothing is said:
 * no line here is the app's invention. Pure: the policy is passed in.
 */
import type { SourcedCitation } from '../policy/effective.js';
import type { AdviceLine, PolicyCategory, PolicyCitation, StatutoryCitation } from '../policy/profile.js';
import { POLICY_CATEGORIES } from '../policy/profile.js';
import type { SchoolPolicy } from '../policy/school-policy.js';
import type { IncidentAnswers } from './incident.js';
import { isAllegation } from './routing.js';
import type { Routing } from './types.js';

type Policy = Pick<SchoolPolicy, 'rule' | 'cite' | 'baseline' | 'terms'>;

const isPolicyCategory = (c: string): c is PolicyCategory => (POLICY_CATEGORIES as readonly string[]).includes(c);

/** "Keeping children safe in education, Part four (statutory guidance)"; the publisher's kind for the rest. */
export function statutorySource(policy: Pick<SchoolPolicy, 'baseline'>, c: StatutoryCitation): string {
  const publisher = policy.baseline.sources.find((s) => s.title === c.source)?.publisher ?? '';
  const kind = /statutory guidance/i.test(publisher) ? 'statutory guidance' : publisher.split(';')[0].trim();
  return `${c.source}${c.section ? `, ${c.section}` : ''}${kind ? ` (${kind})` : ''}`;
}

const isStatutory = (c: PolicyCitation | StatutoryCitation): c is StatutoryCitation => 'source' in c;

/** A citation as staff see it: the school's clause, or the statutory source. */
export function citeAny(policy: Policy, c: PolicyCitation | StatutoryCitation): string {
  return isStatutory(c) ? statutorySource(policy, c) : policy.cite(c);
}

const lineText = (policy: Policy, l: AdviceLine) => `${l.text} (${citeAny(policy, l.citation)})`;

/** Screenshots must never be asked for or kept (indecent images of children; the baseline's `forbidden` wins). */
export function screenshotsForbidden(policy: Pick<SchoolPolicy, 'rule'>, category: string): boolean {
  if (!isPolicyCategory(category)) return false;
  const r = policy.rule(`evidence.${category}`);
  return r.applies && r.value === 'forbidden';
}

/** Where the school's policy asks for screenshots of this kind of incident: the clause that says so. */
export function screenshotsAskedBy(policy: Policy, category: string): string | undefined {
  if (!isPolicyCategory(category)) return undefined;
  const r = policy.rule(`evidence.${category}`);
  if (!r.applies || (r.value !== 'required' && r.value !== 'advised')) return undefined;
  const c = r.citations[0];
  return c ? citeAny(policy, c.citation) : undefined;
}

/**
 * The advice after a report, each line with its citation: the school's own `advice.<category>` with the
 * statutory lines after it; for an allegation about a member of staff, the KCSIE lines too.
 */
export function adviceAfterReport(policy: Policy, a: Pick<IncidentAnswers, 'category' | 'affected' | 'responsible' | 'pupilAtRisk'>): string[] {
  if (!isPolicyCategory(a.category)) return [];
  const lines = [...policy.rule(`advice.${a.category}`).value];
  if (a.category !== 'staffMisuse' && isAllegation(a)) {
    for (const l of policy.rule('advice.staffMisuse').value) if (!lines.some((x) => x.text === l.text)) lines.push(l);
  }
  return lines.map((l) => lineText(policy, l));
}

const quoted = (policy: Policy, c: SourcedCitation) =>
  c.from === 'policy' ? `"${c.citation.quote}" (${policy.cite(c.citation)})` : `${c.citation.text} (${statutorySource(policy, c.citation)})`;

/**
 * What the chair's notice quotes for a concern about the head: the school's own clause that names its chair
 * (in the route for the category), or for an allegation the statutory guidance; none where neither says so.
 */
export function chairNoticeQuote(policy: Policy, c: { category: string; routing: Pick<Routing, 'allegation'> }): string | undefined {
  if (!isPolicyCategory(c.category)) return undefined;
  const chair = policy.terms.chairTitle?.toLowerCase();
  const route = policy.rule(`route.${c.category}`);
  const own = chair ? route.citations.find((x) => x.from === 'policy' && x.citation.quote.toLowerCase().includes(chair)) : undefined;
  if (own) return quoted(policy, own);
  if (c.routing.allegation) {
    const kcsie = policy.rule('route.staffMisuse').citations.find((x) => x.from === 'baseline');
    if (kcsie) return quoted(policy, kcsie);
  }
  return undefined;
}

/**
 * Why the school's policy tells someone of this kind of report: the first of its own clauses in the route for
 * the category, quoted; none where the policy names nobody (the app's own routing told them).
 */
export function routeQuote(policy: Policy, category: string): string | undefined {
  if (!isPolicyCategory(category)) return undefined;
  const r = policy.rule(`route.${category}`);
  const own = r.applies ? r.citations.find((x) => x.from === 'policy') : undefined;
  return own ? quoted(policy, own) : undefined;
}

/** The school's general rule on reporting misuse (its `route.other`), quoted for the menu; none where it has none. */
export function reportingRuleQuote(policy: Policy): string | undefined {
  const r = policy.rule('route.other');
  const own = r.applies ? r.citations.find((x) => x.from === 'policy') : undefined;
  return own ? quoted(policy, own) : undefined;
}
