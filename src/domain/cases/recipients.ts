import { isDsl, isHead, isSlt, personRef, type Member } from '../directory/directory.js';
import { chairForHead, dslForHead } from './access.js';
import type { OutboxKind, PersonRef, Routing } from './types.js';

export interface Recipient {
  kind: OutboxKind;
  recipient: PersonRef;
}

/**
 * Who is told about a new incident (spec "Alerts"): every DSL and deputy for a safeguarding concern; the
 * chair of governors — never the headteacher — for a concern about the headteacher; SLT for the rest;
 * and the reporter gets a receipt. Pure: table-tested.
 */
export function incidentRecipients(routing: Routing, members: Member[], submitterAad: string): Recipient[] {
  const out: Recipient[] = [];
  const seen = new Set<string>();
  const add = (kind: OutboxKind, m: Member) => {
    if (seen.has(m.aadObjectId)) return;
    seen.add(m.aadObjectId);
    out.push({ kind, recipient: personRef(m) });
  };
  if (routing.safeguarding) {
    for (const m of members) if (routing.aboutHead ? dslForHead(m) : isDsl(m)) add('dslAlert', m);
  }
  if (routing.aboutHead) {
    for (const m of members) if (chairForHead(m)) add('chairNotice', m);
  } else if (!routing.safeguarding) {
    for (const m of members) if ((isSlt(m) || isHead(m)) && m.aadObjectId !== submitterAad) add('sltNotice', m);
  }
  const submitter = members.find((m) => m.aadObjectId === submitterAad);
  out.push({ kind: 'receipt', recipient: submitter ? personRef(submitter) : { aadObjectId: submitterAad, name: '' } });
  return out;
}
