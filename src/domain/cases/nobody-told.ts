import type { Routing } from './types.js';

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
