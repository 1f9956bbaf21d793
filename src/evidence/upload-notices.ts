import type { Logger } from '../log.js';
import type { RefLookup, Sender } from '../domain/cases/outbox-dispatcher.js';
import { MAX_IMAGES_PER_REPORT, type DraftOwner } from './evidence-service.js';

/**
 * Pictures sent through the upload page are announced in the reporter's chat with the bot, so they see the
 * count without leaving Teams. Uploads of one draft that arrive close together make one message (the count
 * after the last of them): a phone sending ten photos sends one or two messages, well inside Teams' limit
 * of a few messages per second per conversation. Best effort: the page itself says what was received, and
 * the report's summary counts the screenshots again before it is sent.
 */
export class UploadNotices {
  private readonly waiting = new Map<string, { owner: DraftOwner; count: number; reference?: string; timer: NodeJS.Timeout }>();

  constructor(
    private readonly deps: { refs: RefLookup; sender: Sender; log: Logger; track: (p: Promise<unknown>) => void },
    /** How long to wait for more uploads of the same draft before telling the chat. */
    private readonly settleMs = 2000,
  ) {}

  /** The draft (or, with `reference`, the report already sent) now holds `count` screenshots, the last one from the upload page. */
  received(owner: DraftOwner, count: number, reference?: string): void {
    const key = `${owner.schoolId}|${owner.draftId}`;
    const w = this.waiting.get(key);
    if (w) {
      w.count = Math.max(w.count, count);
      w.timer.refresh();
      return;
    }
    const timer = setTimeout(() => {
      const done = this.waiting.get(key);
      this.waiting.delete(key);
      if (done) this.deps.track(this.tell(done.owner, done.count, done.reference));
    }, this.settleMs);
    timer.unref();
    this.waiting.set(key, { owner, count, reference, timer });
  }

  /** Send what is waiting now (shutdown). */
  flush(): Promise<void> {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    return Promise.all(all.map((w) => (clearTimeout(w.timer), this.tell(w.owner, w.count, w.reference)))).then(() => undefined);
  }

  private async tell(owner: DraftOwner, count: number, reference?: string): Promise<void> {
    try {
      const ref = await this.deps.refs.findByAad(owner.aad);
      if (!ref) return;
      await this.deps.sender.send(ref, { text: reference ? additionNoticeText(reference, count) : uploadNoticeText(count) });
    } catch (e) {
      this.deps.log.warn({ draftId: owner.draftId, errorName: (e as Error).name }, 'upload notice not sent');
    }
  }
}

export function uploadNoticeText(count: number): string {
  const full = count >= MAX_IMAGES_PER_REPORT;
  return `Received from the upload page: ${count} picture${count === 1 ? '' : 's'} so far (at most ${MAX_IMAGES_PER_REPORT}).${full ? ' No more can be added.' : ''} Press Done here when you have finished.`;
}

export function additionNoticeText(reference: string, count: number): string {
  return `Added to ${reference} from the upload page: it now has ${count} screenshot${count === 1 ? '' : 's'}. Whoever is handling it has been told.`;
}
