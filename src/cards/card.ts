import * as ACData from 'adaptivecards-templating';

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

/** Bind typed data into a card template (adaptivecards-templating), returning an attachment. */
export function renderCard<T extends object>(template: Record<string, unknown>, data: T): CardAttachment {
  let t = prepared.get(template);
  if (!t) prepared.set(template, (t = new ACData.Template(template)));
  const content = t.expand({ $root: data }) as Record<string, unknown>;
  return { contentType: 'application/vnd.microsoft.card.adaptive', content };
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
