import { expect } from 'vitest';
import * as AC from 'adaptivecards';

/**
 * Teams' dynamic people search (`choices.data` with `Data.Query`) is a Teams extension documented for 1.5
 * cards, which the library dates to 1.6. It is the one problem the library reports that we intend.
 */
export const TEAMS_DYNAMIC_SEARCH = 'UnsupportedProperty: Property "choices.data" is supported in version 1.6, but you are using version 1.5.';

/** Parse a card with the Adaptive Cards library, as version 1.5, and return every problem it reports. */
export function cardProblems(content: Record<string, unknown>): string[] {
  const card = new AC.AdaptiveCard();
  const ctx = new AC.SerializationContext(new AC.Version(1, 5));
  card.parse(content, ctx);
  const out: string[] = [];
  for (let i = 0; i < ctx.eventCount; i++) out.push(`${AC.ValidationEvent[ctx.getEventAt(i).event]}: ${ctx.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) out.push(`${AC.ValidationEvent[e.event]}: ${e.message}`);
  return out;
}

/** Assert a card parses as a valid Adaptive Card 1.5 with no problems (but those named in `intended`). */
export function expectValidCard(content: Record<string, unknown>, intended: readonly string[] = []): AC.AdaptiveCard {
  expect(cardProblems(content).filter((p) => !intended.includes(p))).toEqual([]);
  const card = new AC.AdaptiveCard();
  card.parse(content);
  expect(card.version?.toString()).toBe('1.5');
  return card;
}
