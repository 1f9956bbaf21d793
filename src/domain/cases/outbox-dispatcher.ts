import type { Logger } from '../../log.js';
import { DISPATCH_DEFAULTS } from '../../dispatch-defaults.js';
import type { ConversationRef, OutboxStore, StoredOutboxItem, WrittenOutbox } from './ports.js';
import type { CaseRecord, OutboxItem } from './types.js';

type CardAttachment = { contentType: string; content: Record<string, unknown> };

/** A message to a person: plain text and/or one Adaptive Card (attachment content), or several cards. */
export interface OutboundMessage {
  text?: string;
  card?: CardAttachment;
  /** Several cards in one message, one under another (a burst of safeguarding alerts). */
  cards?: CardAttachment[];
}

/** One message holding several messages' cards, in order. */
export function together(msgs: OutboundMessage[]): OutboundMessage {
  if (msgs.length === 1) return msgs[0];
  const text = msgs.map((m) => m.text).filter(Boolean).join('\n\n');
  return { text: text || undefined, cards: msgs.flatMap((m) => m.cards ?? (m.card ? [m.card] : [])) };
}

/** Proactive delivery, implemented at the edge (src/teams/delivery.ts) over the Bot Framework. */
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
    /** The Bot Connector's error code (`ConversationBlockedByUser`, `BotNotInConversationRoster`…) or a network code: an identifier, never text. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** An error code fit to store and log: a short identifier, never text that might quote a message. */
export function safeCode(code: unknown): string | undefined {
  return typeof code === 'string' && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(code) ? code : undefined;
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
  /** The schools whose messages this dispatcher sends (each school's pending messages are one range query). */
  schools?: () => Promise<readonly string[]>;
  /**
   * Messages sent to many people at once (a policy rollout): they share one budget of `perSecond` sends for the
   * whole app, well under Teams' limit per app per tenant, so replies and alerts keep room; a 429 on one of them
   * pauses them all for its Retry-After.
   */
  bulk?: { kinds: readonly OutboxItem['kind'][]; perSecond: number };
  /** When a message may not go yet (outside the school's hours), the time it may; undefined: now. */
  holdUntil?: (item: OutboxItem, now: Date) => Promise<string | undefined>;
}

/** Safeguarding alerts go first, wherever messages wait. */
const urgency = (i: OutboxItem) => (i.kind === 'dslAlert' ? 0 : 1);

/** A message owed, with how to load its case. */
interface Owed {
  item: WrittenOutbox['items'][number];
  loadCase: () => Promise<CaseRecord | undefined>;
}

interface Lane {
  urgent: Owed[];
  other: Owed[];
  /** Set while this recipient's messages are being sent. */
  pump?: Promise<void>;
  /** Set while the pump waits for budget: ends the wait early. */
  wake?: () => void;
}

/**
 * How fast one conversation is sent messages. Teams allows a bot about 7 a second in one conversation
 * (fewer over longer windows: those answer 429 with Retry-After, which is honoured). Safeguarding alerts
 * start at least `alertGapMs` apart, so one waits at most that long, and alerts arriving meanwhile go
 * with it in one message. Anything else goes only while the conversation has had fewer than
 * `otherPerSecond` messages in the last second, so a burst of notices never holds an alert back and,
 * while alerts flow, notices wait.
 */
export class ConversationBudget {
  private readonly starts = new Map<string, number[]>();
  private readonly lastAlert = new Map<string, number>();

  constructor(
    readonly alertGapMs = 150,
    readonly otherPerSecond = 2,
  ) {}

  /** Milliseconds until a send of this urgency may start in this conversation (0: now). */
  waitFor(key: string, urgent: boolean, now = Date.now()): number {
    const recent = (this.starts.get(key) ?? []).filter((t) => t > now - 1000);
    if (recent.length) this.starts.set(key, recent);
    else {
      this.starts.delete(key);
      this.lastAlert.delete(key);
    }
    if (urgent) return Math.max(0, (this.lastAlert.get(key) ?? -Infinity) + this.alertGapMs - now);
    return recent.length < this.otherPerSecond ? 0 : recent[recent.length - this.otherPerSecond] + 1000 - now;
  }

  record(key: string, urgent: boolean, now = Date.now()): void {
    this.starts.set(key, [...(this.starts.get(key) ?? []), now]);
    if (urgent) this.lastAlert.set(key, now);
  }
}

/** Messages one run takes at most. */
const PAGE = 500;

/** Margin between the end of a send made under a reservation and the end of the reservation. */
const RESERVATION_SLACK_MS = 2_000;

/** Cards sent together in one message at most (each is about 2 KB; Teams takes about 28 KB). */
export const CARDS_PER_MESSAGE = 8;

/**
 * Messages that may share one message with others of their group when several wait for one person:
 * safeguarding alerts with alerts, case notices with notices. Receipts, updates and cards that ask for a
 * decision (approvals, acknowledgements of declarations) always go alone.
 */
const GROUP: Partial<Record<OutboxItem['kind'], string>> = { dslAlert: 'alert', sltNotice: 'notice', chairNotice: 'notice' };

/** Take the next message off a queue, with those waiting behind it that may go in the same message. */
function takeGroup<T>(queue: T[], kindOf: (t: T) => OutboxItem['kind']): T[] {
  const group = GROUP[kindOf(queue[0])];
  let n = 1;
  while (group && n < CARDS_PER_MESSAGE && n < queue.length && GROUP[kindOf(queue[n])] === group) n++;
  return queue.splice(0, n);
}

export const DEFAULT_DISPATCH: DispatcherOptions = { ...DISPATCH_DEFAULTS };

/**
 * How long the poll leaves a message to the instance that wrote it. The fast path sends it within
 * milliseconds; if that instance dies first, the poll of any instance sends it once this has passed. It
 * must exceed the send timeout (OUTBOX_SEND_TIMEOUT_MS, 10 s by default) plus a margin, or the fast path
 * claims the row like the poll does.
 */
export const FAST_PATH_RESERVE_MS = 15_000;

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
   * The fast path's queue per recipient: a person's messages go one at a time, within the conversation's
   * budget, and a safeguarding alert goes before anything else still waiting for that person. DSLs are
   * often SLT too, so in a surge their queue fills with notices and receipts; an alert must not wait
   * behind them.
   */
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly budget = new ConversationBudget();
  /** The earliest time the next bulk send may start (see `bulk`). */
  private bulkNext = 0;
  /** Until when a 429 paused every bulk send. */
  private bulkPausedUntil = 0;
  /** Set by `stop`: a bulk send waiting out a pause gives up its wait (the message stays pending for the next instance). */
  private halted = false;
  readonly opts: DispatcherOptions;

  constructor(
    private readonly outbox: OutboxStore,
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
    this.halted = false;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearInterval(this.timer);
    for (const t of this.wakeups) clearTimeout(t);
    for (const lane of this.lanes.values()) lane.wake?.();
    await this.running;
    await this.urgent;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * The fast path: this instance just wrote these messages (with their rows' ETags), so it sends them at
   * once, without a scan or a re-read; safeguarding alerts first. The poll remains the safety net: if this
   * process dies (or stops) before sending, the rows are still pending, and once their reservation
   * (FAST_PATH_RESERVE_MS) is over a run of any instance picks them up. Every save is ETag-guarded, so a
   * message the fast path and a run both see is sent once.
   */
  deliverWritten(written: WrittenOutbox): void {
    if (this.stopped) return; // left pending in storage, for the next instance's poll
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
      if (urgency(item) === 0) {
        lane.urgent.push({ item, loadCase });
        lane.wake?.();
      } else lane.other.push({ item, loadCase });
      if (!lane.pump) {
        const pump = this.pump(key, lane);
        lane.pump = pump;
        this.inFlight.add(pump);
        pump.finally(() => this.inFlight.delete(pump));
      }
    }
  }

  /**
   * Send a recipient's queued messages one at a time, within the conversation's budget, until the queue is
   * empty. Safeguarding alerts go first, and the alerts (or notices) waiting when a send starts go together
   * in one message (at most CARDS_PER_MESSAGE cards): in a burst a DSL gets one message listing several
   * concerns at once, instead of a queue of messages that Teams' per-conversation limit would hold back.
   */
  private async pump(key: string, lane: Lane): Promise<void> {
    // Stopping leaves the rest pending in storage, for the next instance's poll.
    while (!this.stopped && (lane.urgent.length || lane.other.length)) {
      const urgent = lane.urgent.length > 0;
      const wait = this.tryTurn(key, urgent);
      if (wait > 0) {
        // An alert arriving meanwhile wakes the pump: it may have budget left that a notice does not.
        await this.sleep(wait, lane);
        continue;
      }
      const group = takeGroup(urgent ? lane.urgent : lane.other, (o) => o.item.kind);
      try {
        await this.deliverGroup(group);
      } catch (e) {
        this.log.warn({ caseId: group[0].item.caseId, outboxId: group[0].item.id, errorName: (e as Error).name }, 'fast delivery failed; the poll will retry');
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
    const pointers = await this.outbox.pendingPointers(PAGE, onlyKind, this.clock().toISOString(), await this.opts.schools?.());
    if (pointers.length === 0) return 0;
    // Load the rows, then queue them per recipient (the pointer does not carry the recipient).
    const items: Array<StoredOutboxItem> = [];
    await Promise.all(
      pointers.map(async (p) => {
        const item = await this.outbox.getOutbox(p.schoolId, p.caseId, p.outboxId);
        if (item && item.state === 'pending') items.push(item);
      }),
    );
    const now = this.clock().getTime();
    const due = items.filter((i) => Date.parse(i.nextAttemptAt) <= now && !(i.claimedUntil && Date.parse(i.claimedUntil) > now));
    for (const i of items) if (!due.includes(i)) this.wakeAt(Date.parse(i.claimedUntil && Date.parse(i.claimedUntil) > now ? i.claimedUntil : i.nextAttemptAt));
    const queues = new Map<string, Array<StoredOutboxItem>>();
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
      if (!caseCache.has(k)) caseCache.set(k, this.outbox.caseOf(i.schoolId, i.caseId));
      return caseCache.get(k)!;
    };
    let attempted = 0;
    const worker = async () => {
      for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
        while (lane.length) {
          // As on the fast path: within each person's budget, and waiting alerts together in one message.
          const key = lane[0].recipient.aadObjectId;
          const urgent = urgency(lane[0]) === 0;
          for (let wait = this.tryTurn(key, urgent); wait > 0; wait = this.tryTurn(key, urgent)) await this.sleep(wait);
          if (this.isBulk(lane[0])) {
            const item = lane.shift()!;
            if (await this.held(item)) continue;
            attempted++;
            await this.deliverGroup([{ item, loadCase: () => loadCase(item) }], async () => {
              await this.bulkTurn();
              return !this.halted;
            });
            continue;
          }
          const group = takeGroup(lane, (i) => i.kind);
          attempted += group.length;
          await this.deliverGroup(group.map((item) => ({ item, loadCase: () => loadCase(item) })));
        }
      }
    };
    // A rollout's sends wait mostly on storage and the Bot Connector, not on this process: as many more workers as
    // its budget allows a second keep the budget full (the budget, not the workers, sets the pace).
    const bulkWorkers = this.opts.bulk && lanes.some((l) => this.isBulk(l[0])) ? Math.ceil(this.opts.bulk.perSecond) : 0;
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency + bulkWorkers, lanes.length) }, worker));
    // A full page (a policy rollout owes hundreds at once): the next page follows now, not at the next poll.
    if (pointers.length >= PAGE && attempted > 0) this.again = true;
    return attempted;
  }

  private isBulk(i: OutboxItem): boolean {
    return !!this.opts.bulk?.kinds.includes(i.kind);
  }

  /**
   * Wait for a slot in the shared bulk budget. A worker that waited for its slot while a 429 paused the bulk
   * sends takes a new slot after the pause, so no send starts inside it.
   */
  private async bulkTurn(): Promise<void> {
    const gap = 1000 / (this.opts.bulk?.perSecond ?? 1000);
    for (;;) {
      const now = Date.now();
      const slot = Math.max(now, this.bulkNext, this.bulkPausedUntil);
      this.bulkNext = slot + gap;
      if (slot > now) await this.sleep(slot - now);
      if (this.halted || Date.now() >= this.bulkPausedUntil) return;
    }
  }

  /** A message that may not go yet (outside the school's hours) is moved to when it may, without counting an attempt. */
  private async held(item: StoredOutboxItem): Promise<boolean> {
    const until = await this.opts.holdUntil?.(item, this.clock());
    if (!until || Date.parse(until) <= this.clock().getTime()) return false;
    try {
      await this.outbox.saveOutbox({ ...item, nextAttemptAt: until });
    } catch (e) {
      // Another instance changed the row meanwhile: it has it.
      this.log.warn({ caseId: item.caseId, outboxId: item.id, errorName: (e as Error).name }, 'could not hold a message until school hours');
    }
    this.wakeAt(Date.parse(until));
    return true;
  }

  /**
   * A send to this person may start now if their conversation's budget allows: then it is counted and 0 is
   * returned (synchronously, so the send starts before anything else is queued); otherwise how long to wait.
   */
  private tryTurn(key: string, urgent: boolean): number {
    const wait = this.budget.waitFor(key, urgent);
    if (wait <= 0) this.budget.record(key, urgent);
    return Math.max(0, wait);
  }

  /** Wait `ms`; with `lane`, an alert queued for that person meanwhile (`lane.wake`) ends the wait early. */
  private async sleep(ms: number, lane?: Lane): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      if (lane)
        lane.wake = () => {
          clearTimeout(t);
          resolve();
        };
    });
    if (lane) lane.wake = undefined;
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

  /** Claim, render and send one person's messages as one message; record each row's end. */
  private async deliverGroup(group: Owed[], beforeSend?: () => Promise<boolean>): Promise<void> {
    const nowIso = () => this.clock().toISOString();
    const until = new Date(this.clock().getTime() + this.opts.sendTimeoutMs * 2).toISOString();
    // A send (with its timeout) and the save after it, with room for the instances' clocks to differ.
    const doneBy = new Date(this.clock().getTime() + this.opts.sendTimeoutMs + RESERVATION_SLACK_MS).toISOString();
    const claimed = await Promise.all(
      group.map(async (o) => {
        // Just written by this instance and still reserved for it until the send is over: the row's ETag
        // from the transaction is the claim. Otherwise claim it, which fails if another instance has it.
        const reserved = o.item.reservedUntil;
        if (reserved && o.item.etag && doneBy < reserved) return o;
        const etag = await this.outbox.claimOutbox(o.item, until);
        return etag ? { ...o, item: { ...o.item, etag, claimedUntil: undefined } } : undefined; // else another instance is sending it
      }),
    );
    const ready: Array<{ item: StoredOutboxItem; c: CaseRecord }> = [];
    for (const o of claimed) {
      if (!o) continue;
      const c = await o.loadCase();
      if (c) ready.push({ item: o.item, c });
      else await this.outbox.saveOutbox({ ...o.item, state: 'failed', lastError: 'case not found', lastCode: 'CaseNotFound' }, undefined, nowIso());
    }
    if (!ready.length) return;
    const recipient = ready[0].item.recipient;
    const ref = await this.refs.findByAad(recipient.aadObjectId);
    if (!ref) {
      for (const { item } of ready) {
        this.log.warn({ caseId: item.caseId, outboxId: item.id, kind: item.kind }, 'recipient not reachable: no conversation with the app');
        await this.outbox.saveOutbox(
          { ...item, state: 'unreachable', lastError: 'The app is not installed for this person, so they could not be messaged.' },
          { type: 'recipientUnreachable', actor: item.recipient, data: { outboxId: item.id, kind: item.kind } },
          nowIso(),
        );
      }
      return;
    }
    try {
      const msg = together(await Promise.all(ready.map(({ item, c }) => this.render(item, c))));
      // Paced right before the request, so the pace is what Teams sees; false: stopping, the message stays owed.
      if (beforeSend && !(await beforeSend())) return;
      const { activityId } = await withTimeout(this.sender.send(ref, msg), this.opts.sendTimeoutMs);
      const shared = ready.length > 1 ? ready.map((r) => r.item.caseId) : undefined;
      await Promise.all(
        ready.map(({ item }) =>
          this.outbox.saveOutbox(
            { ...item, state: 'delivered', attempts: item.attempts + 1, deliveredAt: nowIso(), activityId, conversationId: ref.conversationId, lastError: undefined, lastStatus: undefined, lastCode: undefined, sharedMessage: shared },
            { type: 'alertDelivered', actor: item.recipient, data: { outboxId: item.id, kind: item.kind } },
            nowIso(),
          ),
        ),
      );
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError((e as Error)?.name ?? 'Error', true, undefined, undefined, safeCode((e as { code?: unknown })?.code));
      for (const { item } of ready) {
        const attempts = item.attempts + 1;
        const final = !err.retryable || attempts >= this.opts.maxAttempts;
        this.log.warn({ caseId: item.caseId, outboxId: item.id, kind: item.kind, attempts, status: err.status, code: err.code, final }, 'delivery attempt failed');
        const delay = nextDelay(attempts, this.opts, err.retryAfterMs);
        // Throttled: every bulk send waits, not only this one (no storm of 429s).
        if (err.status === 429 && this.isBulk(item)) {
          this.bulkPausedUntil = Math.max(this.bulkPausedUntil, Date.now() + delay);
          this.bulkNext = Math.max(this.bulkNext, this.bulkPausedUntil);
        }
        const next = new Date(this.clock().getTime() + delay).toISOString();
        await this.outbox.saveOutbox(
          {
            ...item,
            attempts,
            state: final ? 'failed' : 'pending',
            nextAttemptAt: next,
            lastError: `${err.status ? `HTTP ${err.status}` : err.message}`.slice(0, 200),
            lastStatus: err.status,
            lastCode: err.code,
          },
          final ? { type: 'alertFailed', actor: item.recipient, data: { outboxId: item.id, kind: item.kind, attempts, status: err.status, code: err.code } } : undefined,
          nowIso(),
        );
        if (!final) this.wakeAt(Date.parse(next));
      }
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new DeliveryError('timed out', true, undefined, undefined, 'Timeout')), ms);
    }),
  ]);
}
