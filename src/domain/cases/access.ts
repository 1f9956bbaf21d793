import { isChair, isDsl, isHead, isSlt, type Member } from '../directory.js';
import type { CaseSummary } from './types.js';

type Viewable = Pick<CaseSummary, 'safeguarding' | 'aboutHead' | 'kind' | 'submitterAad' | 'schoolId'>;

/**
 * Need-to-know, enforced on the server for every read (KCSIE): DSLs see safeguarding cases; the
 * headteacher never sees a case about the headteacher, the chair of governors sees those; SLT see the
 * rest. Staff see only their own submissions, and only through "my submissions".
 */
export function canView(m: Member, c: Viewable): boolean {
  if (m.schoolId !== c.schoolId) return false;
  if (c.aboutHead) return isChair(m) || (c.safeguarding && isDsl(m) && !isHead(m));
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
  if (isChair(m)) parts.push('aboutHead eq true');
  if (isDsl(m) && !isHead(m)) parts.push('(aboutHead eq true and safeguarding eq true)');
  if (isDsl(m) || isHead(m)) parts.push('(aboutHead eq false and safeguarding eq true)');
  if (isSlt(m) || isHead(m)) parts.push('(aboutHead eq false and safeguarding eq false)');
  return parts.length ? `(${parts.join(' or ')})` : 'false';
}
