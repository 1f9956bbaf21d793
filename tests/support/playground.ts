import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { activityTemplate, findPerson, launchPlayground, readSeed, sendCustomActivity, type Playground, type Seed } from '../../scripts/lib/playground.js';
import { freePort } from './ports.js';

export { readSeed, findPerson, personalChatId, channelUserId, PLAYGROUND_BOT } from '../../scripts/lib/playground.js';
export type { Seed, SeedPerson } from '../../scripts/lib/playground.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Browser tests skip only on a developer machine without Chromium; in CI a missing browser is a failure. */
export const skipBrowserTests = !existsSync(CHROMIUM) && !process.env.CI;

export interface StartPlaygroundOptions {
  /** The bot's messaging endpoint, e.g. `${server.url}/api/messages`. */
  botUrl: string;
  /** Who is signed in: an Entra object id, first name, full name or role of a seeded person (default: the first). */
  currentUser?: string;
  /** The tenant and people (default: config/schools.seed.json). */
  seed?: Seed;
  /** Default: a free port. Pass one to start the server with ATTACHMENT_ALLOWED_HOSTS for it first. */
  port?: number;
}

export interface TestPlayground extends Playground {
  /** A Teams-shaped activity from the signed-in person in their 1:1 chat, as the playground would send it. */
  template(type?: string): Promise<Record<string, any>>;
  /**
   * Send an arbitrary activity through the playground (POST /_internal/v1/customActivities), e.g. a message
   * with image attachments, which its UI cannot do. Fields given replace the template's (type defaults to
   * "message"; pass `templateType` such as "install" to start from that activity). The bot's replies appear
   * in the chat as usual. The playground forwards it after answering, so wait for the effect, not the call.
   */
  sendCustomActivity(activity: Record<string, unknown>, templateType?: string): Promise<void>;
  /** A headless Chromium on the chat client, with every non-loopback request blocked and recorded. */
  openChat(): Promise<ChatPage>;
}

export interface ChatPage {
  page: Page;
  context: BrowserContext;
  /** Requests the page tried to make to other hosts (fonts and scripts from a CDN); all were blocked. */
  blockedRequests: string[];
  /** Type a message in the composer and send it. */
  send(text: string): Promise<void>;
  /** Rendered Adaptive Cards containing `text`. */
  cards(text: string): Locator;
  close(): Promise<void>;
}

/** The real Agents Playground, signed in as a seeded person, pointed at the bot. Stop it in afterAll. */
export async function startPlayground(opts: StartPlaygroundOptions): Promise<TestPlayground> {
  const seed = opts.seed ?? readSeed();
  const currentUser = opts.currentUser ? findPerson(seed.people, opts.currentUser) : seed.people[0];
  if (!currentUser) throw new Error(`no seeded person matches "${opts.currentUser}"`);
  const dir = mkdtempSync(path.join(tmpdir(), 'playground-'));
  const pg = await launchPlayground({ botUrl: opts.botUrl, dir, port: opts.port ?? (await freePort()), seed, currentUser });
  const browsers: ChatPage[] = [];

  return {
    ...pg,
    template: (type) => activityTemplate(pg, type),
    sendCustomActivity: (activity, templateType) => sendCustomActivity(pg, activity, templateType),
    async openChat() {
      const chat = await openChatPage(pg.url);
      browsers.push(chat);
      return chat;
    },
    async stop() {
      await Promise.allSettled(browsers.map((b) => b.close()));
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const LOOPBACK_URL = /^(?:https?|wss?):\/\/(?:127\.\d+\.\d+\.\d+|localhost|\[::1\])(?::\d+)?(?:\/|$)/;

async function openChatPage(url: string): Promise<ChatPage> {
  const profile = mkdtempSync(path.join(tmpdir(), 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Belt and braces with the request filter below: no name but loopback ever resolves.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    ],
  });
  const blockedRequests: string[] = [];
  // The chat client loads fonts and an animation script from a Microsoft CDN; the test stays on this machine.
  await context.route(
    (u) => !LOOPBACK_URL.test(u.href) && u.protocol !== 'data:' && u.protocol !== 'blob:',
    (route) => {
      blockedRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  const composer = page.locator('[data-lexical-editor=true]');
  await composer.waitFor({ timeout: 30_000 });
  return {
    page,
    context,
    blockedRequests,
    async send(text: string) {
      await composer.click();
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    },
    cards: (text: string) => page.locator('.ac-adaptiveCard', { hasText: text }),
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Wait until `count()` has not changed for `quietMs` (the bot's greeting on install arrives on its own). */
export async function settledCount(locator: Locator, quietMs = 1500, timeoutMs = 20_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let last = await locator.count();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > until) throw new Error(`count did not settle within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
    const now = await locator.count();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}
