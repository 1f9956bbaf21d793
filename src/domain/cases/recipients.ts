import { isDsl, isHead, isSlt, personRef, type Member } from '../directory/directory.js';
import type { Role as PolicyRole } from '../policy/profile.js';
import { chairForHead, dslForHead } from './access.js';
import type { OutboxKind, PersonRef, Routing } from './types.js';
import type { NobodyToAlert } from './who-is-told.js';

export interface Recipient {
  kind: OutboxKind;
  recipient: PersonRef;
  /** Told because the school's policy names this role (the notice says so); absent for the app's own routing. */
  role?: PolicyRole;
}

/**
 * Who is told about a new incident (spec "Alerts"): every DSL and deputy for a safeguarding concern; the
 * chair of governors — never the headteacher — for a concern about the headteacher; SLT for the rest; then
 * whoever the school's policy adds (`routing.policyTell`: the head, the senior team, the reporter's line
 * manager…); and the reporter gets a receipt. The person the report is about (`routing.subject`) is told
 * nothing, whatever roles they hold. Pure: table-tested.
 */
export function incidentRecipients(routing: Routing, members: Member[], submitterAad: string): Recipient[] {
  const out: Recipient[] = [];
  const seen = new Set<string>();
  const add = (kind: OutboxKind, m: Member, role?: PolicyRole) => {
    // The head never hears of a concern about the head, whatever roles they hold or the policy names, nor
    // anyone of a report about them; a reporter gets no notice of their own report (a DSL reporter still gets
    // the alert they acknowledge).
    if (seen.has(m.aadObjectId) || (routing.aboutHead && isHead(m)) || m.aadObjectId === routing.subject?.aadObjectId) return;
    if (kind === 'sltNotice' && m.aadObjectId === submitterAad) return;
    seen.add(m.aadObjectId);
    out.push({ kind, recipient: personRef(m), ...(role ? { role } : {}) });
  };
  if (routing.safeguarding) {
    for (const m of members) if (routing.aboutHead ? dslForHead(m) : isDsl(m)) add('dslAlert', m);
  }
  if (routing.aboutHead) {
    for (const m of members) if (chairForHead(m)) add('chairNotice', m);
  } else if (!routing.safeguarding) {
    for (const m of members) if (isSlt(m) || isHead(m)) add('sltNotice', m);
  }
  const submitter = members.find((m) => m.aadObjectId === submitterAad);
  for (const role of routing.policyTell ?? []) {
    for (const m of holders(role, members, submitter)) add(role === 'dsl' ? 'dslAlert' : role === 'chair' ? 'chairNotice' : 'sltNotice', m, role);
  }
  out.push({ kind: 'receipt', recipient: submitter ? personRef(submitter) : { aadObjectId: submitterAad, name: '' } });
  return out;
}

/** The people who hold a role the policy names. Nobody holds `dpo` in the directory yet. */
function holders(role: PolicyRole, members: Member[], submitter: Member | undefined): Member[] {
  switch (role) {
    case 'dsl':
      return members.filter(isDsl);
    case 'head':
      return members.filter(isHead);
    case 'chair':
      return members.filter(chairForHead);
    case 'slt':
      return members.filter(isSlt);
    case 'lineManager':
      return submitter?.lineManager ? members.filter((m) => m.aadObjectId === submitter.lineManager) : [];
    case 'dpo':
      return [];
  }
}

/**
 * Roles a report must go to that nobody holds (no DSL for a safeguarding concern, no chair for a concern
 * about the head, no data protection officer, no line manager on record): the report is still saved, and the
 * reporter is told to tell them in person.
 */
export function nobodyToAlert(routing: Routing, recipients: readonly Recipient[]): NobodyToAlert[] {
  const missing: NobodyToAlert[] = [];
  const tell = routing.policyTell ?? [];
  if ((routing.safeguarding || tell.includes('dsl')) && !recipients.some((r) => r.kind === 'dslAlert')) missing.push('dsl');
  if ((routing.aboutHead || tell.includes('chair')) && !recipients.some((r) => r.kind === 'chairNotice')) missing.push('chair');
  for (const role of ['lineManager', 'dpo'] as const) if (tell.includes(role) && !recipients.some((r) => r.role === role)) missing.push(role);
  return missing;
}
