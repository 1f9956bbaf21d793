import type { Logger } from '../../log.js';
import type { AlertCardUpdates } from '../../domain/cases/alert-card-updates.js';
import { together, type OutboundMessage, type RefLookup, type Sender } from '../../domain/cases/outbox-dispatcher.js';
import type { OutboxItem } from '../../domain/cases/types.js';
import type { CaseRepository } from '../../storage/case-repository.js';
import type { OutboxRenderer } from '../outbox-renderer.js';

interface Deps {
  caseRepo: Pick<CaseRepository, 'get'>;
  renderer: Pick<OutboxRenderer, 'dslAlert'>;
  sender: Sender;
  refs: RefLookup;
  log: Logger;
  /** The updates run in the background, tracked so that tests and shutdown can wait for them. */
  track: (p: Promise<unknown>) => void;
}

/**
 * Updates every DSL's delivered copy of an alert in place once it is acknowledged, to show who and when.
 * A copy sent with other alerts in one message (a burst) is updated by rewriting the whole message, so
 * that every card in it stays. The acting DSL's own single card is left alone when they acknowledged on
 * it (the invoke's answer has refreshed it already), and updated like the others when they acknowledged
 * in the tab.
 */
export class AlertCardUpdater implements AlertCardUpdates {
  constructor(private readonly deps: Deps) {}

  acknowledged(e: Parameters<AlertCardUpdates['acknowledged']>[0]): void {
    this.deps.track(
      this.update(e).catch((err: Error) => this.deps.log.warn({ caseId: e.case.id, errorName: err.name }, 'could not update the alert cards')),
    );
  }

  private async update({ case: c, outbox, by, via }: Parameters<AlertCardUpdates['acknowledged']>[0]): Promise<void> {
    const copies = outbox.filter(
      (o) =>
        o.kind === 'dslAlert' &&
        o.state === 'delivered' &&
        o.activityId &&
        (via === 'tab' || o.recipient.aadObjectId !== by.aadObjectId || (o.sharedMessage?.length ?? 0) > 1),
    );
    if (!copies.length) return;
    const msg = await this.deps.renderer.dslAlert(c);
    await Promise.all(
      copies.map(async (o) => {
        const ref = await this.deps.refs.findByAad(o.recipient.aadObjectId);
        if (!ref) return;
        try {
          await this.deps.sender.update(ref, o.activityId!, await this.messageOf(o, msg));
        } catch (err) {
          this.deps.log.warn({ caseId: c.id, outboxId: o.id, errorName: (err as Error).name }, 'could not update an alert card');
        }
      }),
    );
  }

  /** The message a delivered alert is in, as it should now read: its own card, or every card it was sent with. */
  private async messageOf(o: OutboxItem, own: OutboundMessage): Promise<OutboundMessage> {
    if (!o.sharedMessage || o.sharedMessage.length < 2) return own;
    const parts = await Promise.all(
      o.sharedMessage.map(async (caseId) => {
        if (caseId === o.caseId) return own;
        const d = await this.deps.caseRepo.get(o.schoolId, caseId);
        return d ? this.deps.renderer.dslAlert(d.case) : undefined;
      }),
    );
    return together(parts.filter((m): m is OutboundMessage => m !== undefined));
  }
}
