/**
 * Teams renders an Adaptive Card's TextBlock text and FactSet titles and values as Markdown (bold,
 * italic, lists, links). Text that people typed (names, answers, reasons, notes) must show as typed, so
 * that nobody can put a link or a fake "URGENT" into someone else's card.
 *
 * Characters that make markup anywhere in a line are backslash-escaped everywhere; characters that only
 * make markup at the start of a line (headings, lists, quotes) are escaped there only. Escaping more
 * (every full stop, hyphen and bracket) would change nothing a reader sees in a client that honours the
 * escapes, but some Teams mobile clients have shown the backslashes themselves, so fewer is kinder.
 * Parentheses and "!" need no escape: a link or an image needs "[", which is always escaped.
 *
 * Bare addresses ("https://…", "www.…") get a zero-width space after the scheme's colon or after
 * "www", which stops clients turning them into links; they still read the same.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // markup anywhere: escapes, code, emphasis, links, autolinks and HTML, strikethrough, tables, braces
      .replace(/[\\`*_{}[\]<>~|]/g, '\\$&')
      // an HTML entity (&#91; is "[") written out, so a renderer that decodes entities first gets no markup
      .replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&')
      // markup at the start of a line: headings, list items ("-", "+", "1." or "1)"), setext underlines
      .replace(/(^|[\r\n])([ \t]*)(?:([#+=-])|(\d{1,9})([.)]))/g, (_m, brk: string, sp: string, mark?: string, num?: string, delim?: string) =>
        mark ? `${brk}${sp}\\${mark}` : `${brk}${sp}${num}\\${delim}`,
      )
      // bare addresses: not auto-linked
      .replace(/\b(https?|ftp|file):(?=\/\/)/gi, '$1:\u200B')
      .replace(/\b(www)\./gi, '$1\u200B.')
  );
}
