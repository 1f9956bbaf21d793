import { createHash } from 'node:crypto';
import { png } from '../support/images.js';
import { versionOfRollout } from '../../src/domain/rollout/rollout.js';
import type { ConnectorStub } from '../support/connector-stub.js';
import { conversationOf, makeActivity, makeMessage, makeSubmit, type Person } from '../support/activities.js';

/**
 * A reporter who does what a person in Teams would when things fail: reads the bot's last question and
 * answers it; after an apology, sends the same thing again a little later; when the app did not answer at
 * all (the server died), waits until it is back and types "help" to see where they are, then carries on.
 */

export const APOLOGY_MARK = 'Sorry, something went wrong on our side';

export interface ReportOutcome {
  reference: string;
  tag: string;
  sha256: string;
  /** Requests that got no answer (connection refused or reset). */
  unanswered: number;
  /** Turns answered with the apology. */
  apologies: number;
  turns: number;
}

export interface DriverStats {
  unanswered: number;
  apologies: number;
  turns: number;
}

export { png };
/**
 * Messages still owed by the reports, not counting the policy cards new starters are sent when they first use the bot:
 * those wait for the school's hours (a run in the evening holds them until morning), and no report owes them.
 */
export async function pendingForReports(outbox: { pendingPointers(limit?: number): Promise<Array<{ caseId: string }>> }): Promise<Array<{ caseId: string }>> {
  // Every pointer, not the first page: held policy cards must not hide a report's message behind them.
  return (await outbox.pendingPointers(100_000)).filter((p) => versionOfRollout(p.caseId) === undefined);
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The step of the last incident card in what the bot said, if any. */
export function stepOf(said: string): string | undefined {
  const all = [...said.matchAll(/"step":"(\w+)"/g)];
  return all.length ? all[all.length - 1][1] : undefined;
}

export const CATEGORIES = ['cyberbullying', 'pupilContact', 'disparaging', 'trolling', 'radicalisation'] as const;

export class ReportDriver {
  readonly stats: DriverStats = { unanswered: 0, apologies: 0, turns: 0 };

  constructor(
    private readonly baseUrl: () => string,
    private readonly connector: ConnectorStub,
    private readonly opts: { apologyPauseMs?: number; giveUpAfterMs?: number } = {},
  ) {}

  /** One turn: true when the server answered (what the bot said is read from the connector stand-in). */
  async turn(activity: unknown): Promise<boolean> {
    this.stats.turns++;
    try {
      const r = await fetch(`${this.baseUrl()}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
        signal: AbortSignal.timeout(30_000),
      });
      await r.arrayBuffer();
      if (r.status >= 500) throw new Error(`HTTP ${r.status}`);
      return true;
    } catch {
      this.stats.unanswered++;
      return false;
    }
  }

  /** Text and card JSON of the messages the bot sent to this person, from message number `from` on. */
  saidTo(p: Person, from: number): string {
    return this.connector
      .messagesTo(conversationOf(p))
      .slice(from)
      .filter((x) => x.body?.type === 'message')
      .map((x) => [x.body.text ?? '', ...(x.body.attachments ?? []).map((a: { content: unknown }) => JSON.stringify(a.content))].join('\n'))
      .join('\n');
  }

  async waitUntilUp(): Promise<void> {
    const until = Date.now() + (this.opts.giveUpAfterMs ?? 60_000);
    for (;;) {
      try {
        if ((await fetch(`${this.baseUrl()}/healthz`, { signal: AbortSignal.timeout(2000) })).ok) return;
      } catch {
        // still down
      }
      if (Date.now() > until) throw new Error('server did not come back');
      await sleep(100);
    }
  }

  /**
   * Send until the bot answers without apologising. `said` is that last answer; `all` is everything the
   * person was shown since the first try, answers to lost requests included (a reply can reach Teams even
   * when the server dies before finishing the request). A lost answer is followed by "help" (the bot
   * repeats the current question), since the person cannot know what was saved.
   */
  private async reliably(p: Person, activity: () => unknown): Promise<{ said: string; all: string }> {
    const limit = this.opts.giveUpAfterMs ?? 120_000;
    const until = Date.now() + limit;
    const first = this.connector.messagesTo(conversationOf(p)).length;
    let next = activity;
    for (;;) {
      if (Date.now() > until) throw new Error(`${p.name}: no progress for ${limit} ms`);
      const from = this.connector.messagesTo(conversationOf(p)).length;
      if (!(await this.turn(next()))) {
        await this.waitUntilUp();
        next = () => makeMessage(p, this.connector.url, 'help');
        continue;
      }
      const said = this.saidTo(p, from);
      if (said.includes(APOLOGY_MARK)) {
        this.stats.apologies++;
        await sleep(this.opts.apologyPauseMs ?? 500);
        continue;
      }
      return { said, all: this.saidTo(p, first) };
    }
  }

  private readonly images = new Map<string, { bytes: Buffer; url: string }>();

  /** The screenshot of report `tag` (the same bytes every time it is asked for). */
  imageOf(tag: string): { bytes: Buffer; url: string } {
    let img = this.images.get(tag);
    if (!img) {
      const bytes = png(3000 + Math.floor(Math.random() * 3000));
      img = { bytes, url: this.connector.serveFile(`${tag}.png`, bytes, 'image/png') };
      this.images.set(tag, img);
    }
    return img;
  }

  /** The question on screen: the step of the last card, or the screenshots step after a screenshot reply. */
  static currentStep(said: string): string | undefined {
    // A screenshot is answered in words, not with a card: still the screenshots step.
    return stepOf(said) ?? (/Screenshot \d+ received|was not saved/.test(said) ? 'evidence' : undefined);
  }

  /** What the reporter sends when the bot shows `said` (answers carry `tag`, so the stored case can be matched). */
  inputFor(p: Person, tag: string, category: string, said: string): unknown {
    const answer = (step: string, extra: Record<string, unknown>) => makeSubmit(p, this.connector.url, { verb: 'incident', step, action: 'answer', ...extra });
    switch (ReportDriver.currentStep(said)) {
      case 'category': return answer('category', { value: category });
      case 'affected': return answer('affected', { value: 'me' });
      case 'responsible': return answer('responsible', { value: 'parent' });
      case 'platform': return answer('platform', { value: 'facebook' });
      case 'where': return answer('where', { value: `https://www.facebook.com/groups/${tag}` });
      case 'when': return answer('when', { date: '2026-01-10', time: '19:30' });
      case 'whatHappened': return answer('whatHappened', { value: `Report ${tag}: comments posted under the class photo.` });
      case 'pupilAtRisk': return answer('pupilAtRisk', { value: 'no' });
      case 'evidence': {
        const received = Number(/Received so far: (\d+)/.exec(said)?.[1] ?? '0');
        if (received > 0 || /Screenshot \d+ received/.test(said)) return makeSubmit(p, this.connector.url, { verb: 'incident', step: 'evidence', action: 'done' });
        const { url } = this.imageOf(tag);
        return makeActivity(p, this.connector.url, { text: '', attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: `${tag}.png`, content: { downloadUrl: url, uniqueId: tag, fileType: 'png' } }] });
      }
      case 'summary': return makeSubmit(p, this.connector.url, { verb: 'incident', step: 'summary', action: 'submit' });
      default:
        // No question on screen: the flow ended (or never started). Start again.
        return makeMessage(p, this.connector.url, 'report');
    }
  }

  /**
   * One whole report with one screenshot; resolves with the reference the reporter was given.
   * `known`: references this person was already given (a repeated confirmation of one is not a new report).
   * `stopAt`: return (reference '') as soon as that question is on screen, without answering it.
   * `resume`: what is on screen now, to carry on from instead of typing "report".
   */
  async report(
    p: Person,
    tag: string,
    category: string,
    known: ReadonlySet<string> = new Set(),
    opts: { stopAt?: string; resume?: string } = {},
  ): Promise<ReportOutcome & { said: string }> {
    const start = { ...this.stats };
    const outcome = (reference: string, said: string) => ({
      reference,
      tag,
      said,
      sha256: sha256(this.imageOf(tag).bytes),
      unanswered: this.stats.unanswered - start.unanswered,
      apologies: this.stats.apologies - start.apologies,
      turns: this.stats.turns - start.turns,
    });
    let { said, all } = opts.resume !== undefined ? { said: opts.resume, all: opts.resume } : await this.reliably(p, () => makeMessage(p, this.connector.url, 'report'));
    for (let guard = 0; guard < 200; guard++) {
      const ref = [...all.matchAll(/Your reference is ([A-Z]+-\d{4}-\d{4})/g)].map((m) => m[1]).find((r) => !known.has(r));
      if (ref) return outcome(ref, said);
      if (opts.stopAt && ReportDriver.currentStep(said) === opts.stopAt) return outcome('', said);
      const onScreen = said;
      ({ said, all } = await this.reliably(p, () => this.inputFor(p, tag, category, onScreen)));
    }
    throw new Error(`${p.name}: report ${tag} did not finish`);
  }
}
