import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = () => existsSync(CHROMIUM);

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
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; animation: none !important; }' });
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
