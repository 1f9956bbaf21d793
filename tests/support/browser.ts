import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { startServer, type ServerProcess } from './server-process.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

/** Whether the browser tests can run here: without Chromium they are skipped, except on CI, where that is an error. */
export function browserTestsRun(): boolean {
  const available = hasChromium();
  if (!available && process.env.CI) throw new Error('Chromium is required on CI (apt-get install -y chromium).');
  return available;
}

/** Debian's Chromium, headless, in a fresh profile, with everything that phones home switched off. */
export async function launchBrowser(opts: { viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chromium-'));
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown; html: string }>;
}

/**
 * Run axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays strict).
 * Fluent UI's focus manager (tabster) adds invisible `data-tabster-dummy` sentinels that are focusable on
 * purpose, to move focus on at once; axe reports them as aria-hidden-focus, so they are left out.
 */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  // Judge the settled page: a colour caught mid-transition (a button just enabled) is not what people see.
  // A constructed style sheet, not a <style> tag: pages with a strict CSP (the upload page) refuse inline styles.
  await page.evaluate(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('*, *::before, *::after { transition: none !important; animation: none !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  });
  await page.evaluate(`${AXE};0`);
  const result = (await page.evaluate(`axe.run({ exclude: [['[data-tabster-dummy]']] }, { resultTypes: ['violations'] })`)) as { violations: AxeViolation[] };
  return result.violations;
}

export const serious = (v: AxeViolation[]) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical');

/** One line per serious or critical accessibility finding on the page as it stands (empty when clean). */
export async function seriousFindings(page: Page, name: string): Promise<string[]> {
  return serious(await axeScan(page)).map((x) => `${name}: ${x.id} (${x.impact}) ${x.help} → ${x.nodes.map((n) => n.html).slice(0, 2).join(' | ')}`);
}

/** Sign in to the tab at `baseUrl` with development sign-in (loopback only) as the named person. */
export async function signInAs(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/tab/index.html#/cases`);
  const switchUser = page.getByRole('button', { name: 'Switch user' });
  // Wait for the page to settle into one of its two states (signed in, or the sign-in list) before choosing.
  await switchUser.or(page.getByRole('button', { name: /^Sign in as / }).first()).first().waitFor();
  if (await switchUser.isVisible()) await switchUser.click();
  await page.getByRole('button', { name: `Sign in as ${name}` }).click();
  await page.getByText(`${name} (development sign-in)`).waitFor();
}

/** The Cases tab under test: the server, and one page of a headless browser on it. */
export interface TabUnderTest {
  server: ServerProcess;
  browser: BrowserContext;
  page: Page;
  /** Script errors the page threw; each test file ends by expecting none. */
  pageErrors: string[];
  /** Development sign-in as the named person (loopback only). */
  signInAs(name: string): Promise<void>;
  /** Expect no serious or critical accessibility finding on the page as it stands. */
  checkA11y(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Start the server (own table prefix on the run's Azurite, development sign-in on, `env` on top) and open a
 * page of a headless browser collecting script errors: what every browser test of the tab begins with.
 */
export async function startTab(prefix: string, env: Record<string, string> = {}): Promise<TabUnderTest> {
  const server = await startServer({ STORAGE_CONNECTION_STRING: inject('storageConnectionString'), TABLE_PREFIX: prefix, DANGEROUSLY_ENABLE_DEV_SIGN_IN: 'true', ...env });
  const browser = await launchBrowser().catch(async (e) => {
    await server.kill('SIGTERM');
    throw e;
  });
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    server,
    browser,
    page,
    pageErrors,
    signInAs: (name) => signInAs(page, server.url, name),
    async checkA11y(name) {
      expect(await seriousFindings(page, name)).toEqual([]);
    },
    async stop() {
      await browser.close();
      await server.kill('SIGTERM');
    },
  };
}
