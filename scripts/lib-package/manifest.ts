import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';

const require = createRequire(import.meta.url);
/** build/ folder of @microsoft/app-manifest, where its json-schemas/ live. */
const APP_MANIFEST_BUILD = dirname(require.resolve('@microsoft/app-manifest'));

export type Manifest = Record<string, any>;

/**
 * The bundled schema file for a manifest's `$schema`, or an error. Never falls back to the
 * network: @microsoft/app-manifest bundles v1.0-v1.30 except v1.18, and fetches anything else.
 */
export function bundledSchemaPath(schemaUrl: unknown): string {
  if (typeof schemaUrl !== 'string') throw new Error('manifest has no $schema');
  const m = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v1\.\d+)\/MicrosoftTeams\.schema\.json$/i.exec(schemaUrl);
  if (!m) throw new Error(`$schema ${schemaUrl} is not a Teams manifest schema URL`);
  const file = join(APP_MANIFEST_BUILD, 'json-schemas', 'teams', m[1], 'MicrosoftTeams.schema.json');
  if (!existsSync(file)) throw new Error(`$schema ${m[1]} is not bundled with @microsoft/app-manifest; validating it would need the network`);
  return file;
}

export function loadBundledSchema(schemaUrl: unknown): object {
  // Same clean-up @microsoft/app-manifest applies: some published schemas use \a and \v in regexes.
  const raw = readFileSync(bundledSchemaPath(schemaUrl), 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b');
  return JSON.parse(raw) as object;
}

/** Schema errors (empty when valid), validated offline against the bundled schema. */
export async function schemaErrors(manifest: Manifest): Promise<string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest as never, loadBundledSchema(manifest.$schema) as never);
}

/** The JSON pointer an @microsoft/app-manifest error string refers to ("" for the root). */
export function errorPath(error: string): string {
  return error.startsWith('/') ? error.slice(0, error.indexOf(' ')) : '';
}

export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), doc);
}

export const REQUIRED_BOT_COMMANDS = ['report', 'request account', 'declare relationship', 'my submissions', 'help'];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rules the schema cannot express, checked on a filled manifest (the ones the Teams admin centre
 * and the Toolkit's validateAppPackage would otherwise reject later, plus this app's own needs).
 */
export function semanticProblems(m: Manifest): string[] {
  const problems: string[] = [];
  const leftover = JSON.stringify(m).match(/\$\{\{[^}]*\}\}/g);
  if (leftover) problems.push(`unfilled placeholders: ${[...new Set(leftover)].join(', ')}`);
  for (const [path, v] of [['id', m.id], ['bots[0].botId', m.bots?.[0]?.botId], ['webApplicationInfo.id', m.webApplicationInfo?.id]] as const) {
    if (typeof v !== 'string' || !GUID.test(v)) problems.push(`${path}: must be a GUID, got ${JSON.stringify(v)}`);
  }
  const domains: string[] = m.validDomains ?? [];
  for (const d of domains) {
    if (/^https?:|\/|:\d+$/.test(d)) problems.push(`validDomains: "${d}" must be a bare host name (no scheme, path or port)`);
  }
  const urls: string[] = [
    ...(m.staticTabs ?? []).flatMap((t: Manifest) => [t.contentUrl, t.websiteUrl]),
    ...(m.configurableTabs ?? []).map((t: Manifest) => t.configurationUrl),
  ].filter((u): u is string => typeof u === 'string');
  for (const u of urls) {
    let host = '';
    try {
      const url = new URL(u);
      host = url.host;
      if (url.protocol !== 'https:') problems.push(`${u}: tab URLs must be https`);
    } catch {
      problems.push(`${u}: not a URL`);
      continue;
    }
    if (!domains.some((d) => d === host || (d.startsWith('*.') && host.endsWith(d.slice(1))))) {
      problems.push(`${u}: host ${host} is not in validDomains`);
    }
  }
  const wai = m.webApplicationInfo ?? {};
  const expectedResource = `api://${domains[0]}/${wai.id}`;
  if (wai.resource !== expectedResource) problems.push(`webApplicationInfo.resource: expected ${expectedResource}, got ${wai.resource}`);
  const bot = m.bots?.[0];
  if (!bot) problems.push('bots: the Safer Social bot is missing');
  else {
    for (const scope of ['personal', 'team']) if (!bot.scopes?.includes(scope)) problems.push(`bot: must be installed in the ${scope} scope`);
    if (bot.supportsFiles !== true) problems.push('bot: supportsFiles must be true (screenshots are attached in chat)');
    const personal = (bot.commandLists ?? []).find((l: Manifest) => l.scopes?.includes('personal'));
    const titles: string[] = (personal?.commands ?? []).map((c: Manifest) => c.title);
    for (const c of REQUIRED_BOT_COMMANDS) if (!titles.includes(c)) problems.push(`bot: personal command "${c}" is missing`);
  }
  for (const key of ['color', 'outline'] as const) {
    if (m.icons?.[key] !== `${key}.png`) problems.push(`icons.${key}: expected "${key}.png" at the package root`);
  }
  return problems;
}
