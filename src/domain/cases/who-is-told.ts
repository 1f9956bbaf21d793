import type { CaseKind, Routing } from './types.js';

/**
 * Who is told about a case, in the reporter's words: one wording for the summary before sending
 * ('future'), the reply on sending, the receipt card and the case page in the tab ('past'), so they never
 * disagree. `nobody`: roles the report must go to that the school has nobody in (see `nobodyToldText`).
 */
export function whoIsTold(
  c: { kind: CaseKind; routing: Routing },
  headTitle: string,
  opts: { tense?: 'past' | 'future'; nobody?: readonly NobodyToAlert[] } = {},
): string {
  const past = (opts.tense ?? 'past') === 'past';
  if (c.kind !== 'incident') return past ? 'The people who decide on it have been told.' : 'It goes to the people who decide on it.';
  if (past && opts.nobody?.length) return nobodyToldText(c.routing, opts.nobody, headTitle);
  // Seed 001 §6.24: the chair if it is about the head.
  const r = c.routing;
  const parts: string[] = [];
  if (r.safeguarding) parts.push(past ? 'the designated safeguarding lead has been alerted now' : 'the designated safeguarding lead is alerted at once');
  if (r.aboutHead) parts.push(past ? `the chair of governors has been told, and the ${headTitle} will not see this report` : `it goes to the chair of governors, and the ${headTitle} will not see it`);
  if (!r.safeguarding && !r.aboutHead) parts.push(past ? 'the senior leadership team has been told and will look at it' : 'it goes to the senior leadership team');
  const text = parts.join('; ') + '.';
  return past ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** A role a report must go to that the school's directory has nobody in. */
export type NobodyToAlert = 'dsl' | 'chair';

const ROLE_NAMES: Record<NobodyToAlert, string> = { dsl: 'designated safeguarding lead', chair: 'chair of governors' };

/**
 * What the reporter is told when the school's directory has nobody in a role the report goes to (no DSL
 * for a safeguarding concern, no chair for a concern about the head). The report is saved, but the app
 * could not tell that person, so the reporter must, face to face. Never claims anyone was told who was not.
 */
export function nobodyToldText(r: Routing, missing: readonly NobodyToAlert[], headTitle: string): string {
  const told: string[] = [];
  if (r.safeguarding && !missing.includes('dsl')) told.push('The designated safeguarding lead has been alerted now.');
  if (r.aboutHead && !missing.includes('chair')) told.push(`The chair of governors has been told, and the ${headTitle} will not see this report.`);
  const roles = missing.map((m) => ROLE_NAMES[m]);
  // Without a DSL (and not about the head), the head is the next person accountable for safeguarding.
  const tell = missing.includes('dsl') && !r.aboutHead ? [`your ${ROLE_NAMES.dsl} or the ${headTitle}`] : roles.map((x) => `the ${x}`);
  return [
    ...told,
    `No ${roles.join(' and no ')} is set up for your school in Safer Social, so the app could not tell them. Your report is saved${r.aboutHead && missing.includes('chair') ? ` and the ${headTitle} will not see it` : ''}.`,
    `Tell ${tell.join(' and ')} in person now.`,
  ].join(' ');
}
