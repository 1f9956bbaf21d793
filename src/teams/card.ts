import * as ACData from 'adaptivecards-templating';
import { escapeMarkdown } from './markdown.js';

/** The attachment shape the Bot Framework and Teams expect, without importing the SDK here. */
export interface CardAttachment {
  contentType: 'application/vnd.microsoft.card.adaptive';
  content: Record<string, unknown>;
}

export const ADAPTIVE_CARD_VERSION = '1.5';

/**
 * Parsed templates, one per template object. Parsing (every `${…}` through the expression grammar) is
 * most of the cost of templating, and a Template can be bound to different data again and again; the
 * templates are module constants, so this holds a few dozen entries for the life of the process.
 */
const prepared = new WeakMap<object, ACData.Template>();

/**
 * Bind typed data into a card template (adaptivecards-templating), returning an attachment.
 *
 * Every string of the data is text, never Markdown: where it lands in a TextBlock or a FactSet (which
 * Teams renders as Markdown) it is escaped, so what people typed shows as typed; the template's own text
 * keeps its formatting. Elsewhere (input values, choices, URLs, action data) it is left exactly as it is.
 */
export function renderCard<T extends object>(template: Record<string, unknown>, data: T): CardAttachment {
  let t = prepared.get(template);
  if (!t) prepared.set(template, (t = new ACData.Template(template)));
  const expanded = t.expand({ $root: markData(data) }) as Record<string, unknown>;
  const content = settle(expanded, false) as Record<string, unknown>;
  return { contentType: 'application/vnd.microsoft.card.adaptive', content };
}

// Data strings that escaping would change are fenced by these two characters while the template is
// expanded, so that afterwards it is known which parts of a text came from the data. Strings escaping
// leaves alone need no fence (and comparisons in templates, such as severity == "high", still work).
const OPEN = '\u0001';
const CLOSE = '\u0002';
const FENCES = /[\u0001\u0002]/g;
const FENCED = /\u0001([^\u0002]*)\u0002/g;

function markData(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.replace(FENCES, '');
    return escapeMarkdown(s) === s ? s : OPEN + s + CLOSE;
  }
  if (Array.isArray(v)) return v.map(markData);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markData(x)]));
  return v;
}

/** Escape the fenced data in Markdown properties (TextBlock text, FactSet titles and values); unfence it everywhere else. */
function settle(node: unknown, markdown: boolean): unknown {
  if (typeof node === 'string') return node.replace(FENCED, (_m, s: string) => (markdown ? escapeMarkdown(s) : s));
  if (Array.isArray(node)) return node.map((n) => settle(n, false));
  if (!node || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (o.type === 'TextBlock' && k === 'text') out[k] = settle(v, true);
    else if (o.type === 'FactSet' && k === 'facts' && Array.isArray(v)) {
      out[k] = v.map((f) => (f && typeof f === 'object' ? Object.fromEntries(Object.entries(f).map(([fk, fv]) => [fk, settle(fv, fk === 'title' || fk === 'value')])) : f));
    } else out[k] = settle(v, false);
  }
  return out;
}

export function cardShell(body: unknown[], actions: unknown[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(actions.length ? { actions } : {}),
    ...extra,
  };
}
