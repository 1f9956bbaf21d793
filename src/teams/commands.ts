import type { MenuChoice } from './menu-card.js';

/** Global commands a user can type at any step, and the menu commands. One table, no `includes` chains. */
export type Command = MenuChoice | 'back';

const COMMANDS: ReadonlyArray<[Command, readonly string[]]> = [
  ['cancel', ['cancel', 'stop', 'quit', 'exit']],
  ['help', ['help', 'menu', 'start', 'hi', 'hello', '?']],
  ['back', ['back', 'go back', 'previous']],
  ['report', ['report', 'report an incident', 'report incident']],
  ['requestAccount', ['request account', 'request a school account', 'request a school social-media account', 'account']],
  ['declare', ['declare', 'declare relationship', 'declare a family relationship', 'declare a family relationship with a pupil']],
  ['proposePost', ['propose a post', 'propose post', 'post', 'new post']],
  ['mySubmissions', ['my submissions', 'submissions', 'status']],
];
const LOOKUP = new Map<string, Command>(COMMANDS.flatMap(([cmd, words]) => words.map((w) => [w, cmd] as const)));

/** Normalise typed text (Teams adds `<at>Bot</at>` mentions in channels and may send HTML). */
export function normaliseText(text: string | undefined): string {
  return (text ?? '')
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, '');
}

export function parseCommand(text: string | undefined, value: unknown): Command | undefined {
  const v = value as { verb?: unknown; choice?: unknown } | undefined;
  if (v && v.verb === 'menu' && typeof v.choice === 'string') {
    const c = v.choice as Command;
    return COMMANDS.some(([k]) => k === c) ? c : undefined;
  }
  if (v && typeof v === 'object' && (v as { verb?: unknown }).verb === 'nav') {
    const nav = (v as { nav?: unknown }).nav;
    if (nav === 'back' || nav === 'cancel') return nav;
  }
  return LOOKUP.get(normaliseText(text));
}
