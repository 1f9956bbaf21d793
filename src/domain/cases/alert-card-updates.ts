import type { CaseRecord, OutboxItem, PersonRef } from './types.js';

/** Where an acknowledgement was made: on the alert card in Teams (whose invoke answer refreshes that card), or in the Cases tab. */
export type AcknowledgedVia = 'card' | 'tab';

/**
 * Told once an acknowledgement of a safeguarding alert is first recorded, wherever it was made, so that
 * every DSL's copy of the alert shows who acknowledged it and when. Implemented at the Teams edge
 * (src/teams/alerts/alert-card-updates.ts); it does its work in the background and never throws.
 */
export interface AlertCardUpdates {
  acknowledged(e: { case: CaseRecord; outbox: OutboxItem[]; by: PersonRef; via: AcknowledgedVia }): void;
}

/** For a CaseService with no cards to update (tests, tools). */
export const NO_ALERT_CARD_UPDATES: AlertCardUpdates = { acknowledged: () => undefined };
