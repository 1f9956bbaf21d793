import type { IncidentAnswers, IncidentCategory } from './incident.js';
import type { Routing, Severity } from './types.js';

const SAFEGUARDING_CATEGORIES: ReadonlySet<IncidentCategory> = new Set(['indecentImages', 'radicalisation', 'pupilContact']);
const BULLYING: ReadonlySet<IncidentCategory> = new Set(['cyberbullying', 'trolling']);

/**
 * Who must know about an incident, and how urgent it is, decided from the answers alone (seed 001 §6.24,
 * §8.1, §11.5, §12.5). Pure and table-tested: the rules a headteacher would check live here only.
 */
export function routeIncident(a: Pick<IncidentAnswers, 'category' | 'affected' | 'responsible' | 'pupilAtRisk'>): Routing {
  const reasons: string[] = [];
  if (a.category === 'indecentImages') reasons.push('indecent images');
  if (a.category === 'radicalisation') reasons.push('radicalisation or extremism (Prevent)');
  if (a.category === 'pupilContact') reasons.push('contact from a pupil');
  if (a.pupilAtRisk === 'yes') reasons.push('a pupil may be at risk');
  if (a.pupilAtRisk === 'unsure') reasons.push('the reporter is unsure whether a pupil is at risk');
  if (BULLYING.has(a.category) && (a.affected === 'pupil' || a.responsible === 'pupil')) reasons.push('bullying involving a pupil');

  const safeguarding = reasons.length > 0;
  const aboutHead = a.responsible === 'headteacher';
  if (aboutHead) reasons.push('concerns the headteacher');

  let severity: Severity = 'low';
  if (a.category === 'indecentImages' || a.category === 'radicalisation' || a.pupilAtRisk === 'yes') severity = 'high';
  else if (safeguarding || aboutHead || BULLYING.has(a.category) || a.category === 'staffMisuse' || a.category === 'dataBreach') severity = 'medium';

  const queue: Routing['queue'] = aboutHead ? 'chair' : safeguarding ? 'dsl' : 'slt';
  return { safeguarding, aboutHead, queue, severity, reasons };
}
