import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  authorization?: string;
  body: any;
  at: number;
}

/** `code`: the error code in the body, as the Bot Connector gives one (`ConversationBlockedByUser`…). */
export type Fault = { status: number; headers?: Record<string, string>; code?: string } | { hang: true };

/**
 * A local stand-in for the Bot Connector service: records what the bot sends, answers with ids, serves
 * attachment downloads (checking the bearer token), and can be told to fail the next sends.
 */
export class ConnectorStub {
  readonly sent: Recorded[] = [];
  readonly downloads: Array<{ path: string; authorization?: string }> = [];
  private faults: Fault[] = [];
  private conversationFaults = new Map<string, Fault[]>();
  private files = new Map<string, { bytes: Buffer; contentType: string; redirect?: string }>();
  private server?: http.Server;
  private nextId = 1;
  private waiters: Array<() => void> = [];
  /**
   * Roster entries (GET /v3/conversations/{id}/members/{userId}) by user id, merged over the default of a
   * full member ("user"); a number answers with that HTTP status instead.
   */
  readonly roster = new Map<string, Record<string, unknown> | number>();
  /** The user ids whose roster entry the bot asked for, in order. */
  readonly rosterLookups: string[] = [];
  /** The bearer token attachment downloads must carry (the bot's token). */
  expectedBearer?: string;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Make the next sends fail, one fault per request, in order. */
  failNext(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  /** Make the next sends to one conversation fail, one fault per request; other conversations are answered as usual. */
  failFor(conversationId: string, ...faults: Fault[]): void {
    this.conversationFaults.set(conversationId, [...(this.conversationFaults.get(conversationId) ?? []), ...faults]);
  }

  /** Serve bytes at /files/<name>; returns the URL. */
  serveFile(name: string, bytes: Buffer, contentType = 'application/octet-stream'): string {
    this.files.set(name, { bytes, contentType });
    return `${this.url}/files/${name}`;
  }

  serveRedirect(name: string, location: string): string {
    this.files.set(name, { bytes: Buffer.alloc(0), contentType: '', redirect: location });
    return `${this.url}/files/${name}`;
  }

  /** Messages sent to a conversation (POSTs of activities). */
  messagesTo(conversationId: string): Recorded[] {
    return this.sent.filter((r) => r.method === 'POST' && r.conversationId === conversationId);
  }

  updates(): Recorded[] {
    return this.sent.filter((r) => r.method === 'PUT');
  }

  clear(): void {
    this.sent.length = 0;
    this.downloads.length = 0;
    this.rosterLookups.length = 0;
  }

  async waitUntil(pred: () => boolean, timeoutMs = 10_000, what = 'connector condition'): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; recorded ${this.sent.length} requests`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) return this.serve(url.pathname.slice(7), req, res);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = url.pathname.match(/^\/v3\/conversations\/([^/]+)(?:\/activities(?:\/([^/]+))?|\/members\/([^/]+))?\/?$/);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: any = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      if (m && m[3] && req.method === 'GET') {
        const userId = decodeURIComponent(m[3]);
        this.rosterLookups.push(userId);
        const entry = this.roster.get(userId);
        if (typeof entry === 'number') {
          res.writeHead(entry, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'Injected', message: 'injected roster fault' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: userId, name: 'Member', aadObjectId: userId.replace(/^29:/, ''), userRole: 'user', ...entry }));
        return;
      }
      const conversationId = m ? decodeURIComponent(m[1]) : '';
      const sending = req.method === 'POST' || req.method === 'PUT';
      const fault = sending ? (this.conversationFaults.get(conversationId)?.shift() ?? this.faults.shift()) : undefined;
      if (fault && 'hang' in fault) return; // never answer
      if (fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
        res.end(JSON.stringify({ error: { code: fault.code ?? 'Injected', message: 'injected fault' } }));
        return;
      }
      const id = req.method === 'PUT' && m?.[2] ? decodeURIComponent(m[2]) : `act-${this.nextId++}`;
      this.sent.push({
        method: req.method ?? '',
        path: url.pathname,
        conversationId,
        activityId: m?.[2] ? decodeURIComponent(m[2]) : undefined,
        authorization: req.headers.authorization,
        body,
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(url.pathname === '/v3/conversations' ? { id: `conv-${this.nextId++}` } : { id }));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  private serve(name: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    this.downloads.push({ path: name, authorization: req.headers.authorization });
    const f = this.files.get(name);
    if (this.expectedBearer && req.headers.authorization !== `Bearer ${this.expectedBearer}`) {
      res.writeHead(401);
      res.end();
      return;
    }
    if (!f) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (f.redirect) {
      res.writeHead(302, { location: f.redirect });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) });
    res.end(f.bytes);
  }
}
