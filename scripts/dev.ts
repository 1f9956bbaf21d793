/**
 * `npm run dev`: the whole app on this machine, from a fresh clone, with one command.
 *
 *   Azurite (storage emulator, data in .data/azurite)
 *   the server from source, restarted on change (tsx watch), bot at http://127.0.0.1:3978/api/messages
 *   the Cases tab, built into dist/tab and rebuilt when web/ changes
 *   the Microsoft 365 Agents Playground (a Teams-like chat client) at http://127.0.0.1:56150
 *
 * `npm run dev -- --as dsl` signs the chat client in as another seeded person; so does typing `as dsl` here
 * while it runs. `--as sam,dsl` runs one chat client per person (56150, 56151, …), so an alert raised by one
 * can be seen arriving for the other. Ctrl-C stops everything. Logs: .data/logs/.
 */
import { existsSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, parseEnv } from 'node:util';
import { createRequire } from 'node:module';
import { startGroupChild, type GroupChild } from './lib/process-group.js';
import { canConnect, freePort } from './lib/ports.js';
import { DevSwitchError, devMode, type DevMode } from './lib/dev-switches.js';
import { findPerson, firstNameOf, launchPlayground, readSeed, sendCustomActivity, type Playground, type Seed, type SeedPerson } from './lib/playground.js';
import { seedDemoPosts } from './lib/demo-posts.js';
import type { DirectorySeed } from '../src/domain/directory/directory.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
process.chdir(ROOT);

const DATA = '.data';
const LOGS = path.join(DATA, 'logs');
const AZURITE_DATA = path.join(DATA, 'azurite');
const PLAYGROUND_DIR = '.playground';
const DEFAULT_SERVER_PORT = 3978;
const DEFAULT_PLAYGROUND_PORT = 56150;
const AZURITE_PORTS = { blob: 10000, queue: 10001, table: 10002 };
// Azurite's well-known development account (public, the same for everyone; not a secret).
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const require = createRequire(import.meta.url);
const AZURITE_CLI = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist/src/azurite.js');
const TSX_CLI = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/cli.mjs');
const TAB_BUILD = new URL('./build-tab.ts', import.meta.url);

const c = process.stdout.isTTY
  ? { bold: (s: string) => `\x1b[1m${s}\x1b[22m`, dim: (s: string) => `\x1b[2m${s}\x1b[22m`, red: (s: string) => `\x1b[31m${s}\x1b[39m`, green: (s: string) => `\x1b[32m${s}\x1b[39m` }
  : { bold: (s: string) => s, dim: (s: string) => s, red: (s: string) => s, green: (s: string) => s };

class StartupError extends Error {}

const children = new Set<GroupChild>();
const DEMO_SEED_FILE = 'config/schools.demo.json';
let seedFile = DEMO_SEED_FILE;

/** One chat client per person asked for; the first is the one `as <who>` re-signs. */
const clients: Playground[] = [];
let shuttingDown = false;
let tabWatcher: FSWatcher | undefined;

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { as: { type: 'string', short: 'a' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: false,
  });
  const dotenv = definedOnly(existsSync('.env') ? parseEnv(readFileSync('.env', 'utf8')) : {});
  // The demo trust of the five schools whose policies the app holds; the tests keep config/schools.seed.json.
  seedFile = dotenv.SCHOOLS_SEED_FILE ?? DEMO_SEED_FILE;
  const seed = readSeed(seedFile);
  if (args.help) {
    printHelp(seed);
    return;
  }
  // .env wins over the environment for the server, as below; both reach it.
  const mode = devMode({ ...definedOnly(process.env), ...dotenv });
  // In a Teams setup the chat client cannot talk to the bot (it has no Bot Framework token): Teams is the client.
  const people = mode.local ? pickPeople(seed, args.as) : [];
  const started = Date.now();
  const host = dotenv.HOST ?? '127.0.0.1';
  const serverPort = Number(dotenv.PORT ?? DEFAULT_SERVER_PORT);
  if (!(await isFree(serverPort, host))) {
    throw new StartupError(`port ${serverPort} on ${host} is in use (is another \`npm run dev\` running?). Stop it, or set PORT in .env.`);
  }
  const chatPorts: number[] = [];
  for (let i = 0; i < people.length; i++) {
    const wanted = DEFAULT_PLAYGROUND_PORT + i;
    chatPorts.push((await isFree(wanted)) ? wanted : await freePort());
  }

  step('Starting Azurite, the storage emulator…');
  const storageEnv = await startStorage(dotenv);

  const serverEnv: Record<string, string> = {
    APP_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(DEFAULT_SERVER_PORT),
    LOG_LEVEL: 'info',
    ...storageEnv,
    ...mode.switches,
    // Evidence "downloaded from Teams" comes from the chat clients themselves in development.
    ATTACHMENT_ALLOWED_HOSTS: chatPorts.flatMap((p) => [`127.0.0.1:${p}`, `localhost:${p}`]).join(','),
    OUTBOX_POLL_MS: '1000',
    SCHOOLS_SEED_FILE: seedFile,
    ...dotenv,
  };
  const serverUrl = `http://${serverEnv.HOST === '0.0.0.0' ? '127.0.0.1' : serverEnv.HOST}:${serverEnv.PORT}`;
  const botUrl = `${serverUrl}/api/messages`;
  // The rest need only storage, not each other: the chat client waits for the bot by itself.
  step(
    mode.local
      ? `Starting the server (tsx watch src/index.ts), building the tab, starting the Agents Playground as ${people.map((p) => p.name).join(', ')}…`
      : `${mode.because} is set: debugging in Teams with real sign-in (no development sign-in, no unauthenticated bot requests, no Agents Playground). Starting the server, building the tab…`,
  );
  const [, launched] = await Promise.all([
    startServer(serverEnv, serverUrl),
    Promise.all(people.map((who, i) => startChatClient(seed, who, botUrl, chatPorts[i]!))),
    buildTabOnce(),
  ]);
  clients.push(...launched);
  // Demo accounts and photo-consent registers, so that "Propose a post" works at once (only in the emulator, only once).
  if (storageEnv.STORAGE_CONNECTION_STRING) {
    const added = await seedDemoPosts({ ...serverEnv }, JSON.parse(readFileSync(seedFile, 'utf8')) as DirectorySeed).catch((e: Error) => {
      console.log(c.dim(`  demo accounts and consent registers not added: ${e.name}`));
      return undefined;
    });
    if (added && (added.accounts || added.registers)) console.log(c.dim(`  demo data: ${added.accounts} school accounts, ${added.registers} photo-consent registers`));
  }
  // The extra people's chats are "installed" now, as Teams does for a school's staff: the bot learns how to
  // reach them, so alerts to them are delivered instead of marked unreachable. (The page shows what arrives
  // while it is open.)
  await Promise.all(clients.slice(1).map((pg) => sendCustomActivity(pg, {}, 'install').catch(() => undefined)));

  const tabServed = await fetch(`${serverUrl}/tab/`).then((r) => r.ok).catch(() => false);
  printBanner({ serverUrl, tabServed, storageEnv, seconds: (Date.now() - started) / 1000, mode });
  watchTab();
  if (mode.local) listenForCommands(seed, botUrl);
}

/** Azurite on its usual ports (or free ones if those are taken), data kept in .data/azurite. Skipped when .env names storage. */
async function startStorage(dotenv: Record<string, string | undefined>): Promise<Record<string, string>> {
  if (dotenv.STORAGE_CONNECTION_STRING || dotenv.STORAGE_ACCOUNT_NAME) {
    console.log(c.dim('  .env names a storage account: Azurite is not started.'));
    return {};
  }
  const ports = { ...AZURITE_PORTS };
  for (const k of Object.keys(ports) as Array<keyof typeof ports>) {
    if (!(await isFree(ports[k]))) {
      ports[k] = await freePort();
      console.log(c.dim(`  port ${AZURITE_PORTS[k]} is taken: Azurite's ${k} service uses ${ports[k]}`));
    }
  }
  const azurite = track(
    startGroupChild({
      name: 'Azurite',
      command: process.execPath,
      args: [
        AZURITE_CLI, '--silent', '--disableTelemetry', '--skipApiVersionCheck',
        '--blobHost', '127.0.0.1', '--blobPort', String(ports.blob),
        '--queueHost', '127.0.0.1', '--queuePort', String(ports.queue),
        '--tableHost', '127.0.0.1', '--tablePort', String(ports.table),
        '--location', AZURITE_DATA,
      ],
      env: process.env,
      logFile: path.join(LOGS, 'azurite.log'),
    }),
  );
  await untilReady(azurite, async () => (await canConnect(ports.blob)) && (await canConnect(ports.table)), 30_000);
  return {
    STORAGE_CONNECTION_STRING:
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${AZURITE_KEY};` +
      `BlobEndpoint=http://127.0.0.1:${ports.blob}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${ports.table}/devstoreaccount1;`,
  };
}

async function startServer(env: Record<string, string>, url: string): Promise<void> {
  const server = track(
    startGroupChild({
      name: 'server',
      command: process.execPath,
      args: [TSX_CLI, 'watch', '--clear-screen=false', '--exclude', `${DATA}/**`, 'src/index.ts'],
      // restify 11 touches process.binding('http_parser'): a known, harmless deprecation, hidden here only.
      env: { ...process.env, ...env, FORCE_COLOR: '0', NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --disable-warning=DEP0111`.trim() },
      logFile: path.join(LOGS, 'server.log'),
      onOutput: printServerOutput,
    }),
  );
  // Under `tsx watch` a crashed server does not end the process (it waits for an edit), so its last words are watched for.
  await untilReady(
    server,
    async () => {
      if (/Invalid configuration|failed to start/.test(server.output())) throw new StartupError('the server could not start.');
      return (await fetch(`${url}/readyz`)).ok;
    },
    60_000,
  );
}

async function startChatClient(seed: Seed, who: SeedPerson, botUrl: string, port: number): Promise<Playground> {
  const logFile = path.join(LOGS, `playground-${aliasOf(who)}.log`);
  const dir = path.join(PLAYGROUND_DIR, aliasOf(who));
  try {
    const pg = await launchPlayground({ botUrl, dir, port, seed, currentUser: who, logFile });
    track(pg.child);
    return pg;
  } catch (e) {
    throw new StartupError(`${(e as Error).message}\nLogs: ${logFile}, ${path.join(dir, 'devTools')}/`);
  }
}

/** Wait for `check`, failing at once (with the log) if the child exits first. */
async function untilReady(child: GroupChild, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  void child.exited.then((how) => (exited = how));
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new StartupError(`${child.name} exited (${exited}) while starting.\n${tail(child)}`);
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof StartupError) throw new StartupError(`${e.message}\n${tail(child)}`);
    }
    if (Date.now() > until) throw new StartupError(`${child.name} was not ready after ${timeoutMs / 1000} s.\n${tail(child)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tail(child: GroupChild): string {
  const lines = child.output().trim().split('\n').slice(-15).join('\n');
  return `${lines ? `Last output:\n${lines}\n` : ''}Full log: ${child.logFile}`;
}

/** A child that stops on its own stops everything: a half-running environment only confuses. */
function track(child: GroupChild): GroupChild {
  children.add(child);
  void child.exited.then(async (how) => {
    // Not in the set any more: stopped on purpose (a switch of person).
    if (shuttingDown || !children.delete(child)) return;
    console.error(c.red(`\n✖ ${child.name} stopped unexpectedly (${how}).\n${tail(child)}`));
    await shutdown(1);
  });
  return child;
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  tabWatcher?.close();
  console.log(c.dim('\nStopping the chat client, the server and Azurite…'));
  await Promise.allSettled([...children].map((ch) => ch.stop()));
  process.exit(code);
}

// ── the Cases tab ─────────────────────────────────────────────────────────────────────────────────────

async function buildTabOnce(): Promise<boolean> {
  if (!existsSync(fileURLToPath(TAB_BUILD))) return false;
  try {
    const { buildTab } = (await import(TAB_BUILD.href)) as { buildTab: () => Promise<void> };
    await silenced(buildTab);
    return true;
  } catch (e) {
    console.error(c.red(`  the tab did not build: ${(e as Error).message.split('\n')[0]}`));
    return false;
  }
}

/** Rebuild the tab when anything under web/ changes (a browser reload then shows it). */
function watchTab(): void {
  if (!existsSync(fileURLToPath(TAB_BUILD)) || !existsSync('web')) return;
  let timer: NodeJS.Timeout | undefined;
  let building = Promise.resolve();
  tabWatcher = watch('web', { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      building = building.then(async () => {
        if (await buildTabOnce()) console.log(`${c.dim(time())} ${c.green('tab rebuilt')} ${c.dim('(reload the page)')}`);
      });
    }, 200);
  });
}

async function silenced(fn: () => Promise<void>): Promise<void> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
}

// ── switching the signed-in person ───────────────────────────────────────────────────────────────────

function pickPeople(seed: Seed, as: string | undefined): SeedPerson[] {
  if (!as) return [seed.people[0]!];
  const picked: SeedPerson[] = [];
  for (const who of as.split(',').map((w) => w.trim()).filter(Boolean)) {
    const p = findPerson(seed.people, who);
    if (!p) throw new StartupError(`nobody in the seed matches "${who}". Try one of: ${seed.people.map(aliasOf).join(', ')}.`);
    if (!picked.includes(p)) picked.push(p);
  }
  return picked.length ? picked : [seed.people[0]!];
}

/** Lines typed while it runs: `as <who>` restarts the chat client as that person; `people` lists them. */
function listenForCommands(seed: Seed, botUrl: string): void {
  if (!process.stdin.isTTY) return;
  // terminal: false leaves the terminal in cooked mode, so Ctrl-C still arrives as SIGINT.
  const rl = createInterface({ input: process.stdin, terminal: false });
  let busy = false;
  rl.on('line', async (line) => {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    if (!cmd || busy || shuttingDown) return;
    if (cmd === 'people' || cmd === 'help') return printPeople(seed);
    if (cmd !== 'as') return console.log(c.dim('Commands: as <who> (e.g. as dsl), people. Ctrl-C stops.'));
    const who = findPerson(seed.people, rest.join(' '));
    if (!who) return console.log(c.red(`Nobody matches "${rest.join(' ')}".`), c.dim(`Try: ${seed.people.map(aliasOf).join(', ')}`));
    busy = true;
    try {
      const old = clients[0]!;
      children.delete(old.child);
      await old.stop();
      clients[0] = await startChatClient(seed, who, botUrl, old.port);
      console.log(`${c.green('✔')} ${old.url} is now signed in as ${c.bold(who.name)} (${who.jobTitle}): reload the page.`);
    } catch (e) {
      console.error(c.red(`✖ ${(e as Error).message}`));
      await shutdown(1);
    } finally {
      busy = false;
    }
  });
}

// ── output ────────────────────────────────────────────────────────────────────────────────────────────

function step(s: string): void {
  console.log(c.dim(s));
}

const aliasOf = (p: SeedPerson) => firstNameOf(p).toLowerCase();

function printPeople(seed: Seed): void {
  console.log(`People in the seed (${seedFile}); a role picks its holder at the first school, role@school another's (dsl@wootton):`);
  let school = '';
  for (const p of seed.people) {
    if (p.schoolName !== school) console.log(c.bold(`  ${(school = p.schoolName)}`));
    const client = clients.find((pg) => pg.currentUser.aadObjectId === p.aadObjectId);
    const mark = client ? c.green('●') : ' ';
    const where = client ? `  ${client.url}` : '';
    console.log(`  ${mark} ${aliasOf(p).padEnd(8)} ${p.name.padEnd(16)} ${p.jobTitle.padEnd(30)} ${c.dim(p.roles.join(', '))}${where}`);
  }
}

function printBanner(o: { serverUrl: string; tabServed: boolean; storageEnv: Record<string, string>; seconds: number; mode: DevMode }): void {
  const storage = o.storageEnv.STORAGE_CONNECTION_STRING ? `Azurite, data in ${AZURITE_DATA}/ (kept between runs)` : 'as set in .env';
  if (!o.mode.local) {
    console.log(`
${c.green('✔')} ${c.bold('Safer Social is running for Teams')} ${c.dim(`(development, real sign-in, ready in ${o.seconds.toFixed(1)} s)`)}

  Server:             ${o.serverUrl} (reached from Teams through your tunnel)
  Storage:            ${storage}
  Logs:               ${LOGS}/server.log
  Open the app in Teams (docs/deploy.md, "Local debugging in Teams"). ${c.bold('Stop:')} Ctrl-C
`);
    return;
  }
  const chats = clients
    .map((pg, i) => `${i === 0 ? c.bold('Chat with the bot:') : '                  '}  ${pg.url}   as ${c.bold(pg.currentUser.name)} (${pg.currentUser.jobTitle})`)
    .join('\n  ');
  console.log(`
${c.green('✔')} ${c.bold('Safer Social is running')} ${c.dim(`(development, ready in ${o.seconds.toFixed(1)} s)`)}

  ${chats}
  ${c.bold('Cases tab:')}          ${o.serverUrl}/tab/${o.tabServed ? '' : c.dim('   (not served: the tab did not build)')}
  Bot endpoint:       ${o.serverUrl}/api/messages
  Storage:            ${storage}
  Logs:               ${LOGS}/ (azurite, server, playground-<name>), ${PLAYGROUND_DIR}/<name>/devTools/

  ${c.bold('Switch person:')} type ${c.bold('as dsl')} (or as helen, as chair, …) and Enter, then reload the chat page;
                 or start with ${c.bold('npm run dev -- --as dsl')}; ${c.bold('--as sam,dsl')} opens a chat for each.
                 Type ${c.bold('people')} for the list.
  ${c.bold('Stop:')}          Ctrl-C
`);
}

function printHelp(seed: Seed): void {
  console.log(`npm run dev [-- --as <who>]

Starts Azurite, the server (restarted on change) and the Microsoft 365 Agents Playground.
<who> is a first name, a role (staff, headteacher, dsl, deputyDsl, chair, admin, slt), a role at a school
(dsl@wootton) or an Entra object id;
several, comma-separated (--as sam,dsl), start one chat client each on ports 56150, 56151, …
Values in .env override the development defaults (see .env.example).
`);
  printPeople(seed);
}

const time = () => new Date().toTimeString().slice(0, 8);
const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
let partial = '';

/** The server logs JSON lines (for production); here they are shown short and readable. */
function printServerOutput(chunk: string): void {
  const lines = (partial + chunk).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    if (!line.trim()) continue;
    let rec: Record<string, unknown> | undefined;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      rec = undefined;
    }
    if (!rec || typeof rec.msg !== 'string') {
      console.log(`${c.dim('server')} ${line}`);
      continue;
    }
    const { level, time: t, msg, app: _app, pid: _pid, hostname: _host, ...rest } = rec;
    const lv = LEVELS[Number(level)] ?? String(level);
    const when = typeof t === 'string' ? t.slice(11, 19) : typeof t === 'number' ? new Date(t).toTimeString().slice(0, 8) : time();
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    const text = `${c.dim(when)} ${lv.padEnd(5)} ${msg} ${c.dim(extra)}`;
    console.log(Number(level) >= 50 ? c.red(text) : text);
  }
}

// ── ports ─────────────────────────────────────────────────────────────────────────────────────────────

function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** .env values that are set; `NAME=` with nothing after it counts as unset, as in .env.example. */
const definedOnly = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig === 'SIGINT' ? 130 : 0));

main().catch(async (e: Error) => {
  const ours = e instanceof StartupError || e instanceof DevSwitchError;
  console.error(c.red(`\n✖ npm run dev could not start: ${ours ? e.message : (e.stack ?? e.message)}`));
  await shutdown(1);
});
