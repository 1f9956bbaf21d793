/**
 * Reading card text the way a Markdown renderer would, for tests of what people typed reaching cards.
 * Not a renderer: it finds what CommonMark (with the usual GitHub extensions) would turn into markup.
 */

/** What a reader sees of escaped text: backslash escapes resolved, the zero-width spaces that stop auto-linking gone. */
export function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u200B/g, '');
}

const KINDS: Record<string, RegExp> = {
  link: /\[[^\]\n]*\]\s*\(/g,
  strong: /(\*\*|__)(?=\S)[^\n]*?\S\1/g,
  emphasis: /(^|[^\w*_])([*_])(?=[^\s*_])[^\n*_]*?[^\s*_]\2(?![\w*_])/g,
  code: /`/g,
  strike: /~~/g,
  html: /<\/?[A-Za-z][^>\n]*>/g,
  autolink: /<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>/g,
  bareUrl: /\b(?:https?|ftp|file):\/\//gi,
  www: /\bwww\./gi,
  entity: /&#?[A-Za-z0-9]+;/g,
  table: /\|/g,
  lineStart: /(^|[\r\n])[ \t]*(?:[#>+=*-]|\d{1,9}[.)])/g,
};

/** How many pieces of live (unescaped) markup of each kind the text holds. */
export function liveMarkup(text: string): Record<string, number> {
  // An escaped character is plain text: stand a letter in for it, so no pattern can use it.
  const plain = text.replace(/\\[!-/:-@[-`{-~]/g, 'x');
  return Object.fromEntries(Object.entries(KINDS).map(([k, re]) => [k, plain.match(re)?.length ?? 0]));
}

export interface CardString {
  path: string;
  text: string;
  /** TextBlock text, FactSet title or value: rendered as Markdown by Teams. */
  markdown: boolean;
}

/** Every string in a card's JSON, with whether Teams renders it as Markdown. */
export function cardStrings(node: unknown, path = '', markdown = false): CardString[] {
  if (typeof node === 'string') return [{ path, text: node, markdown }];
  if (Array.isArray(node)) return node.flatMap((n, i) => cardStrings(n, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  return Object.entries(o).flatMap(([k, v]) => {
    if (o.type === 'FactSet' && k === 'facts' && Array.isArray(v)) {
      return v.flatMap((f, i) =>
        Object.entries(f as Record<string, unknown>).flatMap(([fk, fv]) => cardStrings(fv, `${path}.facts[${i}].${fk}`, fk === 'title' || fk === 'value')),
      );
    }
    return cardStrings(v, `${path}.${k}`, o.type === 'TextBlock' && k === 'text');
  });
}
