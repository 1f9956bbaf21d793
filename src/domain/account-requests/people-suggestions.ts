import { isSlt, type Member } from '../directory/directory.js';

/** People offered in a people picker before any search: few enough that a card stays small whatever the school's size. */
export const PICKER_SUGGESTIONS = 10;

/**
 * The static choices of the account request's people pickers. Teams searches the school's staff as the
 * person types (the bot's application/search handler); these are what the picker shows before that, and
 * all a client without dynamic search can offer. A school of up to PICKER_SUGGESTIONS staff lists them
 * all. Otherwise: everyone already chosen (so their names show, not ids), then the requester, their line
 * manager, the senior leaders (who approve), and colleagues who share the line manager.
 */
export function pickerSuggestions(staff: readonly Member[], requester: Member, chosen: readonly string[]): Member[] {
  if (staff.length <= PICKER_SUGGESTIONS) return [...staff];
  const byAad = new Map(staff.map((m) => [m.aadObjectId, m]));
  const picked = new Map<string, Member>();
  for (const id of chosen) {
    const m = byAad.get(id);
    if (m) picked.set(id, m);
  }
  const likely = [
    byAad.get(requester.aadObjectId),
    requester.lineManager ? byAad.get(requester.lineManager) : undefined,
    ...staff.filter(isSlt),
    ...staff.filter((m) => requester.lineManager && m.lineManager === requester.lineManager),
  ];
  let offered = 0;
  for (const m of likely) {
    if (offered >= PICKER_SUGGESTIONS) break;
    if (!m || picked.has(m.aadObjectId)) continue;
    picked.set(m.aadObjectId, m);
    offered++;
  }
  return [...picked.values()].sort((a, b) => a.name.localeCompare(b.name));
}
