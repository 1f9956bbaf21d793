import { expect, inject } from 'vitest';
import { ConnectorStub } from './connector-stub.js';
import { startServer, type ServerProcess } from './server-process.js';
import { conversationOf, makeInstall, makeInvoke, type Person } from './activities.js';
import { direct } from './direct.js';
import type { CaseDetail } from '../../src/domain/cases/ports.js';

export const SCHOOL = 'westbrook';

/**
 * The real server process on the shared Azurite (own table prefix), a connector stand-in, direct access to
 * the same storage, and the app installed for the given people — what the flow integration tests share.
 */
export class BotHarness {
  private constructor(
    readonly connector: ConnectorStub,
    readonly server: ServerProcess,
    readonly db: ReturnType<typeof direct>,
  ) {}

  static async start(o: { prefix: string; install: Person[]; env?: Record<string, string>; allowAttachmentsFromConnector?: boolean }): Promise<BotHarness> {
    const connector = await new ConnectorStub().start();
    const attachments: Record<string, string> = o.allowAttachmentsFromConnector ? { ATTACHMENT_ALLOWED_HOSTS: new URL(connector.url).host } : {};
    const server = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: o.prefix, OUTBOX_POLL_MS: '200', ...attachments, ...o.env });
    const h = new BotHarness(connector, server, direct(inject('storageConnectionString'), o.prefix));
    for (const p of o.install) expect((await server.post('/api/messages', makeInstall(p, connector.url))).status).toBeLessThan(300);
    await connector.waitUntil(() => connector.sent.length >= o.install.length);
    connector.clear();
    return h;
  }

  async stop(): Promise<void> {
    await this.server.kill('SIGTERM');
    await this.connector.stop();
  }

  /** Everything the bot sent to a person's chat, as JSON text. */
  bodies(p: Person): string[] {
    return this.connector.messagesTo(conversationOf(p)).map((r) => JSON.stringify(r.body ?? {}));
  }

  /** The Adaptive Cards the bot sent to a person's chat (every card of a message that holds several). */
  cardsTo(p: Person): any[] {
    return this.connector.messagesTo(conversationOf(p)).flatMap((r) => (r.body?.attachments ?? []).map((a: any) => a?.content)).filter(Boolean);
  }

  /** Send one activity in the person's chat; returns what the bot sent back in that turn (text and card JSON). */
  async turn(p: Person, activity: unknown): Promise<string> {
    const before = this.connector.messagesTo(conversationOf(p)).length;
    const res = await this.server.post('/api/messages', activity);
    expect(res.status).toBeLessThan(300);
    return this.bodies(p).slice(before).join('\n');
  }

  invoke(p: Person, verb: string, data: Record<string, unknown>): Promise<Response> {
    return this.server.post('/api/messages', makeInvoke(p, this.connector.url, verb, data));
  }

  async caseIdOf(reference: string, school = SCHOOL): Promise<string> {
    return (await this.db.caseRepo.idByReference(school, reference))!;
  }

  /** The stand-in sees a message before the dispatcher records it delivered: wait until nothing is pending. */
  async settled(caseId: string, school = SCHOOL): Promise<CaseDetail & { etag: string }> {
    for (let i = 0; i < 200; i++) {
      const d = await this.db.caseRepo.get(school, caseId);
      if (d && d.outbox.every((o) => o.state !== 'pending')) return d;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('outbox did not settle');
  }
}
