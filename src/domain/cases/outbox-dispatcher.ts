import type { Logger } from '../../log.js';
import type { CaseRepository, WrittenOutbox } from '../../storage/case-repository.js';
import type { ConversationRef } from '../../storage/conversation-refs.js';
import type { CaseRecord, OutboxItem } from './types.js';

/** A message to a person: plain text and/or one Adaptive Card (attachment content). */
export interface OutboundMessage {
  text?: string;
  card?: { contentType: string; content: Record<string, unknown> };
}

/** Proactive delivery, implemented at the edge (src/bot/delivery.ts) over the Bot Framework. */
export interface Sender {
  send(ref: ConversationRef, msg: OutboundMessage): Promise<{ activityId: string }>;
  update(ref: ConversationRef, activityId: string, msg: OutboundMessage): Promise<void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface RefLookup {
  findByAad(aad: string): Promise<ConversationRef | undefined>;
}

export type Render = (item: OutboxItem, c: CaseRecord) => Promise<OutboundMessage>;

export interface DispatcherOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sendTimeoutMs: number;
  /** Conversations sent to in parallel; one conversation's messages go one at a time (Teams' per-conversation limits). */
  concurrency: number;
  pollMs: number;
}

/** Safeguarding alerts go first, wherever messages wait. */
const urgency = (i: OutboxItem) => (i.kind === 'dslAlert' ? 0 : 1);

interface Lane {
  urgent: Array<{ item: OutboxItem & { etag?: string }; loadCase: () => Promise<CaseRecord | undefined> }>;
  other: Lane['urgent'];
  /** Set while this recipient's messages are being sent. */
  pump?: Promise<void>;
}

/** Teams allows a bot about 7 messages a second in one conversation; stay under it. */
const PER_CONVERSATION_SPACING_MS = 150;

export const DEFAULT_DISPATCH: DispatcherOptions = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  sendTimeoutMs: 10_000,
  concurrency: 8,
  pollMs: 5_000,
};

/** Exponential backoff with ±20% jitter, or the server's Retry-After when it gave one. */
export function nextDelay(attempt: number, o: Pick<DispatcherOptions, 'baseDelayMs' | 'maxDelayMs'>, retryAfterMs?: number, rnd = Math.random): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, o.maxDelayMs);
  const exp = Math.min(o.baseDelayMs * 2 ** Math.max(0, attempt - 1), o.maxDelayMs);
  return Math.round(exp * (0.8 + 0.4 * rnd()));
}

/**
 * Sends what the outbox owes. Rows were written in the same transaction as the case, so a crash between
 * saving and sending loses nothing: pending rows are picked up at start and by a poll. Each row ends
 * delivered, failed (after bounded retries) or unreachable (no conversation with the person), and that
 * end is a chronology event on the case, so nobody is dropped silently.
 */
export class OutboxDispatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** A pass for safeguarding alerts only, started when a kick finds a run in progress (see `kick`). */
  private urgent?: Promise<void>;
  private again = false;
  private stopped = true;
  private readonly wakeups = new Set<NodeJS.Timeout>();
  /**
   * The fast path's queue per recipient: a person's messages go one at a time, spaced, and a safeguarding
   * alert goes before anything else still waiting for that person. DSLs are often SLT too, so in a surge
   * their queue fills with notices and receipts; an alert must not wait behind them.
   */
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lastStart = new Map<string, number>();
  readonly opts: DispatcherOptions;

  constructor(
    private readonly repo: CaseRepository,
    private readonly refs: RefLookup,
    private readonly sender: Sender,
    private readonly render: Render,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
    opts: Partial<DispatcherOptions> = {},
  ) {
    this.opts = { ...DEFAULT_DISPATCH, ...opts };
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.wakeups) clearTimeout(t);
    await this.running;
    await this.urgent;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * The fast path: this instance just wrote these messages (with their rows' ETags), so it sends them at
   * once, without a scan or a re-read; safeguarding alerts first. The poll remains the safety net: if this
   * process dies before sending, the rows are still pending and another run picks them up. The claim is
   * ETag-guarded, so a message the fast path and a run both see is sent once.
   */
  deliverWritten(written: WrittenOutbox): void {
    if (this.stopped) {
      this.kick();
      return;
    }
    const loadCase = () => Promise.resolve(written.case);
    for (const item of written.items) {
      if (!item.etag) {
        this.kick();
        continue;
      }
      const key = item.recipient.aadObjectId;
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = { urgent: [], other: [] };
        this.lanes.set(key, lane);
      }
      (urgency(item) === 0 ? lane.urgent : lane.other).push({ item, loadCase });
      if (!lane.pump) {
        const pump = this.pump(key, lane);
        lane.pump = pump;
        this.inFlight.add(pump);
        pump.finally(() => this.inFlight.delete(pump));
      }
    }
  }

  /** Send a recipient's queued messages one at a time, alerts first, until the queue is empty. */
  private async pump(key: string, lane: Lane): Promise<void> {
    for (let next = lane.urgent.shift() ?? lane.other.shift(); next; next = lane.urgent.shift() ?? lane.other.shift()) {
      // Space the starts of a person's sends, not the gaps after them: a burst stays under Teams' limit.
      const wait = (this.lastStart.get(key) ?? 0) + PER_CONVERSATION_SPACING_MS - Date.now();
      if (wait > 0) await new Promise<void>((r) => setTimeout(r, wait));
      this.lastStart.set(key, Date.now());
      const { item, loadCase } = next;
      try {
        await this.deliver(item, loadCase);
      } catch (e) {
        this.log.warn({ caseId: item.caseId, outboxId: item.id, errorName: (e as Error).name }, 'fast delivery failed; the poll will retry');
        this.kick();
      }
    }
    lane.pump = undefined;
    this.lanes.delete(key);
  }

  /**
   * Run soon; coalesces with a run in progress. A run can take a while when many messages are owed (a
   * surge of reports owes receipts and notices too), and a safeguarding alert must not wait behind it:
   * a kick during a run also starts a pass over pending DSL alerts alone (one at a time). Claims are
   * ETag-guarded, so a message the run and the pass both see is still sent once.
   */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      if (!this.urgent) {
        this.urgent = this.runOnce('dslAlert')
          .then(() => undefined)
          .catch((e: Error) => this.log.warn({ errorName: e.name, statusCode: (e as { statusCode?: number }).statusCode }, 'outbox urgent pass failed'))
          .finally(() => (this.urgent = undefined));
      }
      return;
    }
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((e: Error) => this.log.warn({ errorName: e.name, statusCode: (e as { statusCode?: number }).statusCode }, 'outbox run failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Wait until the current run (if any) and fast deliveries are over. For tests and shutdown. */
  async idle(): Promise<void> {
    while (this.running || this.urgent || this.inFlight.size) await (this.running ?? this.urgent ?? Promise.allSettled([...this.inFlight]));
  }

  /** Process every due pending message (of one kind, if given) once. Returns how many were attempted. */
  async runOnce(onlyKind?: OutboxItem['kind']): Promise<number> {
    const pointers = await this.repo.pendingPointers(500, onlyKind);
    if (pointers.length === 0) return 0;
    // Load the rows, then queue them per recipient (the pointer does not carry the recipient).
    const items: Array<OutboxItem & { etag?: string }> = [];
    await Promise.all(
      pointers.map(async (p) => {
        const item = await this.repo.getOutbox(p.schoolId, p.caseId, p.outboxId);
        if (item && item.state === 'pending') items.push(item);
      }),
    );
    const now = this.clock().getTime();
    const due = items.filter((i) => Date.parse(i.nextAttemptAt) <= now && !(i.claimedUntil && Date.parse(i.claimedUntil) > now));
    for (const i of items) if (!due.includes(i)) this.wakeAt(Date.parse(i.claimedUntil && Date.parse(i.claimedUntil) > now ? i.claimedUntil : i.nextAttemptAt));
    const queues = new Map<string, Array<OutboxItem & { etag?: string }>>();
    // Safeguarding alerts first (their recipients' queues, and within a queue), then oldest first.
    for (const i of due.sort((a, b) => urgency(a) - urgency(b) || a.createdAt.localeCompare(b.createdAt))) {
      const q = queues.get(i.recipient.aadObjectId) ?? [];
      q.push(i);
      queues.set(i.recipient.aadObjectId, q);
    }
    const lanes = [...queues.values()].sort((a, b) => urgency(a[0]) - urgency(b[0]));
    const caseCache = new Map<string, Promise<CaseRecord | undefined>>();
    const loadCase = (i: OutboxItem) => {
      const k = `${i.schoolId}|${i.caseId}`;
      if (!caseCache.has(k)) caseCache.set(k, this.repo.get(i.schoolId, i.caseId).then((d) => d?.case));
      return caseCache.get(k)!;
    };
    let attempted = 0;
    const worker = async () => {
      for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
        for (const item of lane) {
          attempted++;
          await this.deliver(item, loadCase);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, lanes.length) }, worker));
    return attempted;
  }

  private wakeAt(ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.wakeups.delete(t);
      this.kick();
    }, Math.max(0, ms - this.clock().getTime()) + 10);
    t.unref();
    this.wakeups.add(t);
  }

  private async deliver(item: OutboxItem & { etag?: string }, loadCase: (i: OutboxItem) => Promise<CaseRecord | undefined>): Promise<void> {
    const nowIso = () => this.clock().toISOString();
    const etag = await this.repo.claimOutbox(item, new Date(this.clock().getTime() + this.opts.sendTimeoutMs * 2).toISOString());
    if (!etag) return; // another instance is sending it
    const claimed = { ...item, etag, claimedUntil: undefined };
    const c = await loadCase(item);
    const ids = { caseId: item.caseId, outboxId: item.id, kind: item.kind };
    if (!c) {
      await this.repo.saveOutbox({ ...claimed, state: 'failed', lastError: 'case not found' }, undefined, nowIso());
      return;
    }
    const ref = await this.refs.findByAad(item.recipient.aadObjectId);
    if (!ref) {
      this.log.warn(ids, 'recipient not reachable: no conversation with the app');
      await this.repo.saveOutbox(
        { ...claimed, state: 'unreachable', lastError: 'The app is not installed for this person, so they could not be messaged.' },
        { type: 'recipientUnreachable', actor: item.recipient, data: { outboxId: item.id, kind: item.kind } },
        nowIso(),
      );
      return;
    }
    try {
      const msg = await this.render(item, c);
      const { activityId } = await withTimeout(this.sender.send(ref, msg), this.opts.sendTimeoutMs);
      await this.repo.saveOutbox(
        { ...claimed, state: 'delivered', attempts: item.attempts + 1, deliveredAt: nowIso(), activityId, conversationId: ref.conversationId, lastError: undefined },
        { type: 'alertDelivered', actor: item.recipient, data: { outboxId: item.id, kind: item.kind } },
        nowIso(),
      );
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError((e as Error)?.name ?? 'Error', true);
      const attempts = item.attempts + 1;
      const final = !err.retryable || attempts >= this.opts.maxAttempts;
      this.log.warn({ ...ids, attempts, status: err.status, final }, 'delivery attempt failed');
      const next = new Date(this.clock().getTime() + nextDelay(attempts, this.opts, err.retryAfterMs)).toISOString();
      await this.repo.saveOutbox(
        {
          ...claimed,
          attempts,
          state: final ? 'failed' : 'pending',
          nextAttemptAt: next,
          lastError: `${err.status ? `HTTP ${err.status}` : err.message}`.slice(0, 200),
        },
        final ? { type: 'alertFailed', actor: item.recipient, data: { outboxId: item.id, kind: item.kind, attempts } } : undefined,
        nowIso(),
      );
      if (!final) this.wakeAt(Date.parse(next));
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new DeliveryError('timed out', true)), ms);
    }),
  ]);
}
