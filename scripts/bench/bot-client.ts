import http from 'node:http';
import type { ConnectorStub, Recorded } from '../../tests/support/connector-stub.js';
import { conversationOf, makeActivity, makeInstall, makeMessage, makeSubmit, type Person } from '../../tests/support/activities.js';

/** Keep-alive HTTP: cheaper for the load generator than fetch, which matters on a 2-core machine. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const data = Buffer.from(JSON.stringify(body));
  const attempt = (retry: boolean): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(data.length), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        // An idle keep-alive socket the server closed just as it was reused: nothing was processed, send again (Node's advice).
        if (retry && req.reusedSocket && e.code === 'ECONNRESET') attempt(false).then(resolve, reject);
        else reject(e);
      });
      req.end(data);
    });
  return attempt(true);
}

export function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'GET', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface TurnResult {
  /** Wall time of the POST /api/messages: the adapter answers once the turn (replies, state write) is done. */
  ms: number;
  /** When the request was sent (Date.now(), as the stand-in stamps what it receives), for latencies from the turn's start. */
  startedAt: number;
  status: number;
  /** What the bot sent to this conversation during the turn: text and card JSON, typing left out. */
  said: string;
}

/**
 * Drives people's 1:1 chats with the bot over HTTP, as Teams would, and reads the replies the connector
 * stand-in recorded. The stand-in's list of everything sent is indexed by conversation as it grows.
 */
export class BotClient {
  private readonly byConversation = new Map<string, Recorded[]>();
  private indexed = 0;

  constructor(
    readonly serverUrl: string,
    readonly connector: ConnectorStub,
  ) {}

  messagesTo(conversationId: string): Recorded[] {
    const sent = this.connector.sent;
    for (; this.indexed < sent.length; this.indexed++) {
      const r = sent[this.indexed];
      if (r.method !== 'POST') continue;
      const list = this.byConversation.get(r.conversationId) ?? [];
      list.push(r);
      this.byConversation.set(r.conversationId, list);
    }
    return this.byConversation.get(conversationId) ?? [];
  }

  /** Forget what was recorded (between phases), so the stand-in's memory stays small. */
  clear(): void {
    this.connector.clear();
    this.byConversation.clear();
    this.indexed = 0;
  }

  async turn(person: Person, activity: Record<string, unknown>): Promise<TurnResult> {
    const conv = conversationOf(person);
    const before = this.messagesTo(conv).length;
    const startedAt = Date.now();
    const t0 = performance.now();
    const res = await postJson(`${this.serverUrl}/api/messages`, activity);
    const ms = performance.now() - t0;
    const said = this.messagesTo(conv)
      .slice(before)
      .filter((r) => r.body?.type === 'message')
      .map((r) => [r.body.text ?? '', ...(r.body.attachments ?? []).map((a: { content: unknown }) => JSON.stringify(a.content))].join('\n'))
      .join('\n');
    return { ms, startedAt, status: res.status, said };
  }

  say = (p: Person, text: string) => this.turn(p, makeMessage(p, this.connector.url, text));
  submit = (p: Person, value: Record<string, unknown>) => this.turn(p, makeSubmit(p, this.connector.url, value));
  install = (p: Person) => this.turn(p, makeInstall(p, this.connector.url));
  attach = (p: Person, url: string) =>
    this.turn(p, makeActivity(p, this.connector.url, { text: '', attachments: [{ contentType: 'image/*', contentUrl: url }, { contentType: 'text/html', content: `<p><img src="${url}"></p>` }] }));
}

/** The incident flow's steps, in order, each with what the bot must say next (so a wrong turn is an error). */
export type StepName =
  | 'start' | 'category' | 'affected' | 'responsible' | 'platform' | 'where' | 'when' | 'whatHappened'
  | 'pupilAtRisk' | 'screenshot' | 'done' | 'send';

/** The steps that only read and write conversation state: the "ordinary" steps of targets 1 and 2. */
export const ORDINARY_STEPS: readonly StepName[] = ['category', 'affected', 'responsible', 'platform', 'where', 'when', 'whatHappened'];

export interface ReportPlan {
  category: string;
  affected: string;
  responsible: string;
  pupilAtRisk: 'yes' | 'no' | 'unsure';
  /** URL of a screenshot the stand-in serves; none means "done" without one. */
  screenshotUrl?: string;
}

const card = (step: string, value: string) => ({ verb: 'incident', step, action: 'answer', value });
const yesterday = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

export function incidentSteps(client: BotClient, p: Person, plan: ReportPlan): Array<{ name: StepName; run: () => Promise<TurnResult>; expect: string }> {
  const steps: Array<{ name: StepName; run: () => Promise<TurnResult>; expect: string }> = [
    { name: 'start', run: () => client.say(p, 'report'), expect: 'What do you want to report?' },
    { name: 'category', run: () => client.submit(p, card('category', plan.category)), expect: 'Who is affected?' },
    { name: 'affected', run: () => client.submit(p, card('affected', plan.affected)), expect: 'Who is responsible' },
    { name: 'responsible', run: () => client.submit(p, card('responsible', plan.responsible)), expect: 'Where did it happen?' },
    { name: 'platform', run: () => client.submit(p, card('platform', 'facebook')), expect: 'Where exactly?' },
    { name: 'where', run: () => client.submit(p, card('where', 'https://www.facebook.com/groups/westbrook-parents')), expect: 'When did it happen?' },
    { name: 'when', run: () => client.submit(p, { verb: 'incident', step: 'when', action: 'answer', date: yesterday(), time: '19:30' }), expect: 'What happened?' },
    { name: 'whatHappened', run: () => client.submit(p, card('whatHappened', 'A parent posted insulting comments about a colleague under the class photo.')), expect: 'pupil is at risk' },
    { name: 'pupilAtRisk', run: () => client.submit(p, card('pupilAtRisk', plan.pupilAtRisk)), expect: 'Screenshots' },
  ];
  if (plan.screenshotUrl) steps.push({ name: 'screenshot', run: () => client.attach(p, plan.screenshotUrl!), expect: 'Screenshot 1 received' });
  steps.push({ name: 'done', run: () => client.submit(p, { verb: 'incident', step: 'evidence', action: 'done' }), expect: 'Check your report' });
  steps.push({ name: 'send', run: () => client.submit(p, { verb: 'incident', step: 'summary', action: 'submit' }), expect: 'Your reference is' });
  return steps;
}

/** A reply that is not what the step should produce, or the apology of a failed turn. */
export function turnError(r: TurnResult, expect: string): string | undefined {
  if (r.status >= 300) return `HTTP ${r.status}`;
  if (r.said.includes('Sorry, something went wrong')) return 'the bot apologised (turn failed)';
  if (!r.said.includes(expect)) return `expected "${expect}"`;
  return undefined;
}

export const referenceIn = (said: string) => /SM-\d{4}-\d{4,}/.exec(said)?.[0];
