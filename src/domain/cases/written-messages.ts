import type { OutboxDispatcher } from './outbox-dispatcher.js';

type Written = Parameters<OutboxDispatcher['deliverWritten']>[0];

/**
 * Where a transaction's freshly written messages go: to the dispatcher, which sends them at once (its poll
 * is the safety net). The case repository is built before the dispatcher that reads from it, so the
 * repository is given `publish`, and the dispatcher is connected once, as soon as it is built; nothing is
 * written in between.
 */
export class WrittenMessages {
  private dispatcher?: Pick<OutboxDispatcher, 'deliverWritten'>;

  readonly publish = (_schoolId: string, written: Written): void => {
    this.dispatcher?.deliverWritten(written);
  };

  connect(dispatcher: Pick<OutboxDispatcher, 'deliverWritten'>): void {
    if (this.dispatcher) throw new Error('the written messages already go to a dispatcher');
    this.dispatcher = dispatcher;
  }
}
