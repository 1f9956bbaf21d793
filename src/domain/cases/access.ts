import { isChair, isDsl, isHead, isSlt, type Member } from '../directory/directory.js';
import type { CaseSummary } from './types.js';

type Viewable = Pick<CaseSummary, 'safeguarding' | 'aboutHead' | 'kind' | 'submitterAad' | 'schoolId'>;

/**
 * Who acts as chair of governors for a concern about the headteacher: a chair who is not the head. A head
 * who also holds the chair role (or a DSL role) is still the person the concern is about, so those roles
 * never open such a case to them. Routing (recipients) and access use these same two predicates.
 */
export const chairForHead = (m: Member): boolean => isChair(m) && !isHead(m);
/** Who acts as a DSL for a safeguarding concern about the headteacher: a DSL or deputy who is not the head. */
export const dslForHead = (m: Member): boolean => isDsl(m) && !isHead(m);

/**
 * Need-to-know, enforced on the server for every read (KCSIE): DSLs see safeguarding cases; the
 * headteacher never sees a case about the headteacher, whatever else they hold; the chair of governors
 * sees those; SLT see the rest. Staff see only their own submissions, and only through "my submissions".
 */
export function canView(m: Member, c: Viewable): boolean {
  if (m.schoolId !== c.schoolId) return false;
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
 * returns only what the caller may see (and `canView` is still checked on each row).
 */
export function visibilityFilter(m: Member): string {
  const parts: string[] = [];
  if (chairForHead(m)) parts.push('aboutHead eq true');
  if (dslForHead(m)) parts.push('(aboutHead eq true and safeguarding eq true)');
  if (isDsl(m) || isHead(m)) parts.push('(aboutHead eq false and safeguarding eq true)');
  if (isSlt(m) || isHead(m)) parts.push('(aboutHead eq false and safeguarding eq false)');
  return parts.length ? `(${parts.join(' or ')})` : 'false';
}
