import { isChair, isDsl, isHead, isSlt, type Member } from '../directory/directory.js';
import type { CaseSummary } from './types.js';

type Viewable = Pick<CaseSummary, 'safeguarding' | 'aboutHead' | 'kind' | 'submitterAad' | 'schoolId' | 'policyTell' | 'lineManagerAad' | 'subjectAad'>;

/** The open-case index row's flag for each role the school's policy may tell, so the list can filter on it. */
export const TELL_FLAGS = [
  ['dsl', 'tellDsl'],
  ['head', 'tellHead'],
  ['slt', 'tellSlt'],
  ['chair', 'tellChair'],
] as const;

/**
 * Who acts as chair of governors for a concern about the headteacher: a chair who is not the head. A head
 * who also holds the chair role (or a DSL role) is still the person the concern is about, so those roles
 * never open such a case to them. Routing (recipients) and access use these same two predicates.
 */
export const chairForHead = (m: Member): boolean => isChair(m) && !isHead(m);
/** Who acts as a DSL for a safeguarding concern about the headteacher: a DSL or deputy who is not the head. */
export const dslForHead = (m: Member): boolean => isDsl(m) && !isHead(m);

/**
 * Whether the school's policy routes the case to this person (`Routing.policyTell`, as `incidentRecipients`
 * tells them): whoever the policy sends a case to may open it. Never the head on a case about the head; the
 * line manager only if they use the Cases tab at all (their notice says so otherwise).
 */
function toldByPolicy(m: Member, c: Viewable): boolean {
  const tell = c.policyTell ?? [];
  if (!tell.length || (c.aboutHead && isHead(m))) return false;
  return (
    (tell.includes('dsl') && isDsl(m)) ||
    (tell.includes('head') && isHead(m)) ||
    (tell.includes('slt') && isSlt(m)) ||
    (tell.includes('chair') && chairForHead(m)) ||
    (tell.includes('lineManager') && !!c.lineManagerAad && c.lineManagerAad === m.aadObjectId && canUseTab(m))
  );
}

/**
 * Need-to-know, enforced on the server for every read (KCSIE): DSLs see safeguarding cases; the
 * headteacher never sees a case about the headteacher, whatever else they hold; the chair of governors
 * sees those; SLT see the rest; and whoever the school's policy sends the case to. The person a report is
 * about never sees it, whatever they hold. Staff see only their own submissions, and only through "my submissions".
 */
export function canView(m: Member, c: Viewable): boolean {
  if (m.schoolId !== c.schoolId) return false;
  if (c.subjectAad && c.subjectAad === m.aadObjectId) return false;
  if (toldByPolicy(m, c)) return true;
  if (c.aboutHead) return chairForHead(m) || (c.safeguarding && dslForHead(m));
  if (c.safeguarding) return isDsl(m) || isHead(m);
  return isSlt(m) || isHead(m);
}

/** Whether a person may use the Cases tab at all. */
export function canUseTab(m: Member): boolean {
  return isSlt(m) || isHead(m) || isDsl(m) || isChair(m);
}

/**
 * The same rule as `canView`, as an OData filter over the index rows' flags, so that the list query
 * returns only what the caller may see. One part is checked only on each row, with `canView`: the
 * person a report is about (`subjectAad`) is left out of its rows there.
 */
export function visibilityFilter(m: Member): string {
  const parts: string[] = [];
  if (chairForHead(m)) parts.push('aboutHead eq true');
  if (dslForHead(m)) parts.push('(aboutHead eq true and safeguarding eq true)');
  if (isDsl(m) || isHead(m)) parts.push('(aboutHead eq false and safeguarding eq true)');
  if (isSlt(m) || isHead(m)) parts.push('(aboutHead eq false and safeguarding eq false)');
  if (!parts.length) return 'false';
  // Told by the school's policy; never the head on a case about the head.
  const notAboutHead = (x: string) => (isHead(m) ? `(aboutHead eq false and ${x})` : x);
  const told = (role: (typeof TELL_FLAGS)[number][0]) => TELL_FLAGS.find(([r]) => r === role)![1] + ' eq true';
  if (isDsl(m)) parts.push(notAboutHead(told('dsl')));
  if (isHead(m)) parts.push(notAboutHead(told('head')));
  if (isSlt(m)) parts.push(notAboutHead(told('slt')));
  if (chairForHead(m)) parts.push(told('chair'));
  parts.push(notAboutHead(`lineManagerAad eq '${m.aadObjectId.replace(/'/g, "''")}'`));
  return `(${parts.join(' or ')})`;
}
