import type { Role as PolicyRole } from '../policy/profile.js';
import type { CaseKind, Routing } from './types.js';

/** The school's own words for the people a report goes to (a SchoolPolicy's `terms`); the app's where it has none. */
export interface ToldTerms {
  headTitle: string;
  chairTitle?: string;
  dslName?: string;
  seniorTeam?: string;
}

type Terms = Required<Pick<ToldTerms, 'headTitle' | 'chairTitle' | 'dslName' | 'seniorTeam'>>;
const termsOf = (t: string | ToldTerms): Terms => {
  const x = typeof t === 'string' ? { headTitle: t } : t;
  return {
    headTitle: x.headTitle,
    chairTitle: x.chairTitle ?? 'chair of governors',
    dslName: x.dslName ?? 'designated safeguarding lead',
    seniorTeam: x.seniorTeam ?? 'senior leadership team',
  };
};

/** A role a report must go to that the school's directory has nobody in. */
export type NobodyToAlert = 'dsl' | 'chair' | 'lineManager' | 'dpo';

const nameOf = (role: NobodyToAlert | PolicyRole, t: Terms): string =>
  ({ dsl: t.dslName, chair: t.chairTitle, head: t.headTitle, slt: t.seniorTeam, lineManager: 'line manager', dpo: 'data protection officer' })[role];
const theOrYour = (role: NobodyToAlert | PolicyRole, t: Terms) => `${role === 'lineManager' ? 'your' : 'the'} ${nameOf(role, t)}`;

/** Who is told besides the DSL and the chair, in order: the head, the senior team, the line manager, the DPO. */
function othersTold(r: Routing): PolicyRole[] {
  const tell = r.policyTell ?? [];
  const out: PolicyRole[] = [];
  if (!r.aboutHead && tell.includes('head')) out.push('head');
  if ((!r.safeguarding && !r.aboutHead) || tell.includes('slt')) out.push('slt');
  for (const x of ['lineManager', 'dpo'] as const) if (tell.includes(x)) out.push(x);
  return out;
}

const joinAnd = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/**
 * Who is told about a case, in the reporter's words and the school's own terms: one wording for the summary
 * before sending ('future'), the reply on sending, the receipt card and the case page in the tab ('past'), so
 * they never disagree. `nobody`: roles the report must go to that the school has nobody in.
 */
export function whoIsTold(
  c: { kind: CaseKind; routing: Routing },
  terms: string | ToldTerms,
  opts: { tense?: 'past' | 'future'; nobody?: readonly NobodyToAlert[]; subjectHeld?: readonly NobodyToAlert[] } = {},
): string {
  const past = (opts.tense ?? 'past') === 'past';
  if (c.kind !== 'incident') return past ? 'The people who decide on it have been told.' : 'It goes to the people who decide on it.';
  const t = termsOf(terms);
  const named = c.routing.subject ? ` ${SUBJECT_LEFT_OUT[past ? 'past' : 'future']}` : '';
  if (past && opts.nobody?.length) return nobodyToldText(c.routing, opts.nobody, t, opts.subjectHeld) + named;
  const r = c.routing;
  const parts: string[] = [];
  if (r.safeguarding || r.policyTell?.includes('dsl')) parts.push(past ? `the ${t.dslName} has been alerted now` : `the ${t.dslName} is alerted at once`);
  const others = othersTold(r);
  if (others.length) {
    const names = joinAnd(others.map((x) => theOrYour(x, t)));
    const look = others.includes('slt') ? ' and will look at it' : '';
    parts.push(past ? `${names} ${others.length > 1 ? 'have' : 'has'} been told${look}` : `it goes to ${names}`);
  }
  if (r.aboutHead) parts.push(past ? `the ${t.chairTitle} has been told, and the ${t.headTitle} will not see this report` : `it goes to the ${t.chairTitle}, and the ${t.headTitle} will not see it`);
  else if (r.policyTell?.includes('chair')) parts.push(past ? `the ${t.chairTitle} has been told` : `it goes to the ${t.chairTitle}`);
  const text = parts.join('; ') + '.';
  return (past ? text.charAt(0).toUpperCase() + text.slice(1) : text) + named;
}

/** Said whenever the reporter named the member of staff the report is about. */
const SUBJECT_LEFT_OUT = {
  past: 'The person you named has not been told and cannot see your report.',
  future: 'The person you named is not told and cannot see it.',
};

/**
 * What the reporter is told when the school's directory has nobody in a role the report goes to (no DSL
 * for a safeguarding concern, no chair for a concern about the head, no data protection officer…). The
 * report is saved, but the app could not tell that person, so the reporter must, face to face. Never claims
 * anyone was told who was not.
 */
export function nobodyToldText(r: Routing, missing: readonly NobodyToAlert[], terms: string | ToldTerms, subjectHeld: readonly NobodyToAlert[] = []): string {
  const t = termsOf(terms);
  // Roles only the person the report is about holds: there is someone in them, but they are left out.
  const held = missing.filter((m) => subjectHeld.includes(m));
  const unset = missing.filter((m) => !held.includes(m));
  const told: string[] = [];
  if ((r.safeguarding || r.policyTell?.includes('dsl')) && !missing.includes('dsl')) told.push(`The ${t.dslName} has been alerted now.`);
  const others = othersTold(r).filter((x) => !missing.includes(x as NobodyToAlert));
  if (others.length) told.push(`${cap(joinAnd(others.map((x) => theOrYour(x, t))))} ${others.length > 1 ? 'have' : 'has'} been told.`);
  if (r.aboutHead && !missing.includes('chair')) told.push(`The ${t.chairTitle} has been told, and the ${t.headTitle} will not see this report.`);
  const roles = unset.map((m) => nameOf(m, t));
  const saved = `Your report is saved${r.aboutHead && missing.includes('chair') ? ` and the ${t.headTitle} will not see it` : ''}.`;
  // Without a DSL (and not about the head), the head is the next person accountable for safeguarding.
  const tell = [
    ...unset.map((m) => (m === 'dsl' && !r.aboutHead ? `your ${t.dslName} or the ${t.headTitle}` : theOrYour(m, t))),
    ...(held.includes('dsl') && !r.aboutHead ? [`the ${t.headTitle}`] : []),
  ];
  return [
    ...told,
    ...(held.length ? [`The only ${held.map((m) => nameOf(m, t)).join(' and ')} in Safer Social is the person your report is about, so the app did not tell them.`] : []),
    ...(roles.length ? [`No ${roles.join(' and no ')} is set up for your school in Safer Social, so the app could not tell them.`] : []),
    saved,
    ...(tell.length ? [`Tell ${tell.join(' and ')} in person now.`] : []),
  ].join(' ');
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
