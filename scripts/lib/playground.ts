import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { startGroupChild, type GroupChild } from './process-group.js';

/**
 * The Microsoft 365 Agents Playground (a local Teams-like chat client), launched with its telemetry off,
 * bound to loopback, and signed in as people from the school seed. Used by `npm run dev` and by the
 * browser tests (through tests/support/playground.ts).
 */

export interface SeedPerson {
  aadObjectId: string;
  name: string;
  email: string;
  jobTitle: string;
  roles: string[];
  schoolName: string;
}

export interface Seed {
  tenantId: string;
  people: SeedPerson[];
}

interface SeedFile {
  tenantId: string;
  schools: Array<{ name: string; members: Array<{ aadObjectId: string; name: string; email?: string; jobTitle?: string; roles: string[] }> }>;
}

/** Everyone in the seed file, in file order, once each. */
export function readSeed(file = 'config/schools.seed.json'): Seed {
  const seed = JSON.parse(readFileSync(file, 'utf8')) as SeedFile;
  const seen = new Set<string>();
  const people: SeedPerson[] = [];
  for (const school of seed.schools) {
    for (const m of school.members) {
      if (seen.has(m.aadObjectId)) continue;
      seen.add(m.aadObjectId);
      people.push({
        aadObjectId: m.aadObjectId,
        name: m.name,
        email: m.email ?? '',
        jobTitle: m.jobTitle ?? '',
        roles: m.roles,
        schoolName: school.name,
      });
    }
  }
  return { tenantId: seed.tenantId, people };
}

/**
 * A person by Entra object id, first name, full name or role ("dsl", "headteacher", "chair", …), case
 * insensitive. For a role, the person with the fewest other roles wins: `staff` is a class teacher, not the head.
 * `role@school` ("dsl@wootton") picks the holder at the school whose name contains the second part.
 */
export function findPerson(people: readonly SeedPerson[], who: string): SeedPerson | undefined {
  const [w, at] = who.trim().toLowerCase().split('@') as [string, string | undefined];
  const among = at ? people.filter((p) => p.schoolName.toLowerCase().replace(/[^a-z0-9]/g, '').includes(at.replace(/[^a-z0-9]/g, ''))) : people;
  const byName = among.find((p) => p.aadObjectId.toLowerCase() === w || p.name.toLowerCase() === w || firstNameOf(p).toLowerCase() === w);
  if (byName) return byName;
  const withRole = among.filter((p) => p.roles.some((r) => r.toLowerCase() === w));
  return withRole.sort((a, b) => a.roles.length - b.roles.length)[0];
}

export const firstNameOf = (p: { name: string }) => p.name.split(/\s+/)[0] ?? p.name;

/** The conversation id of a person's 1:1 chat in the playground: stable, so bot state survives a restart. */
export const personalChatId = (p: { aadObjectId: string }) => `a:playground-${p.aadObjectId}`;
/** The channel account id the playground uses for a person (Teams uses "29:…"). */
export const channelUserId = (p: { aadObjectId: string }) => `29:${p.aadObjectId}`;

export const PLAYGROUND_BOT = { id: '28:safer-social-local', name: 'Safer Social' } as const;

/** The playground's config file accepts exactly five users besides the current one. */
const OTHER_USERS = 5;

/**
 * The five people listed beside the signed-in one: taken in turn from each school, the person's own first,
 * so a seed of several schools shows people of several (one school: the first five others, in file order).
 */
export function othersAcrossSchools(people: readonly SeedPerson[], currentUser: SeedPerson): SeedPerson[] {
  const bySchool = new Map<string, SeedPerson[]>([[currentUser.schoolName, []]]);
  for (const p of people) {
    if (p.aadObjectId === currentUser.aadObjectId) continue;
    const list = bySchool.get(p.schoolName) ?? [];
    list.push(p);
    bySchool.set(p.schoolName, list);
  }
  const queues = [...bySchool.values()];
  const out: SeedPerson[] = [];
  for (let round = 0; out.length < OTHER_USERS && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (q[round] && out.length < OTHER_USERS) out.push(q[round]!);
  }
  return out;
}

/** `.m365agentsplayground.yml` (schema 0.1.1, read from the playground's code): the tenant and people of the seed. */
export function playgroundConfigYaml(seed: Seed, currentUser: SeedPerson): string {
  const others = othersAcrossSchools(seed.people, currentUser);
  for (let i = others.length; i < OTHER_USERS; i++) {
    // Fillers only for a seed with fewer than six people; they are not in the directory.
    const n = String(i + 1).padStart(12, '0');
    others.push({ aadObjectId: `ffffffff-0000-4000-8000-${n}`, name: `Placeholder ${i + 1}`, email: `placeholder${i + 1}@example.invalid`, jobTitle: '', roles: [], schoolName: '' });
  }
  const user = (p: SeedPerson) => {
    const [givenName, ...rest] = p.name.split(/\s+/);
    return {
      id: channelUserId(p),
      name: p.name,
      userPrincipleName: p.email || `${p.aadObjectId}@example.invalid`, // sic: the playground's spelling
      aadObjectId: p.aadObjectId,
      givenName: givenName ?? p.name,
      surname: rest.join(' ') || '-',
      email: p.email || `${p.aadObjectId}@example.invalid`,
    };
  };
  const school = currentUser.schoolName || 'School';
  const config = {
    version: '0.1.1',
    tenantId: seed.tenantId,
    bot: { ...PLAYGROUND_BOT },
    currentUser: user(currentUser),
    users: others.map(user),
    personalChat: { id: personalChatId(currentUser) },
    groupChat: { id: '19:playground-group-chat', name: 'Staff group' },
    team: {
      id: '19:playground-team-general',
      name: `${school} staff`,
      aadGroupId: '00000000-0000-4000-8000-00000000b001',
      channels: [{ id: '19:playground-team-safeguarding', name: 'Safeguarding' }],
    },
  };
  return (
    '# Generated from the school seed by scripts/lib/playground.ts at every start: edit the seed, not this file.\n' +
    stringify(config)
  );
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botUrl: string;
  /** Working directory: holds the generated config file and the playground's own log (devTools/). */
  dir: string;
  port: number;
  seed: Seed;
  currentUser: SeedPerson;
  /** Where the playground's console output is written (default: <dir>/playground.log). */
  logFile?: string;
  onOutput?: (chunk: string) => void;
  readyTimeoutMs?: number;
}

export interface Playground {
  url: string;
  port: number;
  dir: string;
  currentUser: SeedPerson;
  /** The conversation id of the current user's 1:1 chat with the bot. */
  personalChatId: string;
  /** The playground's own log: its startup errors are written only there. */
  playgroundLog: string;
  child: GroupChild;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const CLI = path.join(path.dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
const LOOPBACK_PRELOAD = new URL('./listen-on-loopback.mjs', import.meta.url);

/** Start the playground and wait until its web UI answers. Rejects with its log if it exits first. */
export async function launchPlayground(opts: PlaygroundOptions): Promise<Playground> {
  mkdirSync(opts.dir, { recursive: true });
  writeFileSync(path.join(opts.dir, '.m365agentsplayground.yml'), playgroundConfigYaml(opts.seed, opts.currentUser));
  const playgroundLog = path.join(opts.dir, 'devTools', 'm365agentsplayground.log');
  const child = startGroupChild({
    name: `the Agents Playground (${opts.currentUser.name})`,
    command: process.execPath,
    args: [CLI, '-e', opts.botUrl, '-c', 'msteams', '-p', String(opts.port), '--disable-telemetry'],
    cwd: opts.dir,
    env: {
      ...process.env,
      // Both are needed to stop its telemetry (--disable-telemetry alone leaves the statsbeat on).
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      TEAMSAPPTESTER_BROWSER: 'none',
      NODE_OPTIONS: `${absoluteNodeOptions(process.env.NODE_OPTIONS)} --import ${LOOPBACK_PRELOAD.href}`.trim(),
      ...(process.env.NET_GUARD_LOG ? { NET_GUARD_LOG: path.resolve(process.env.NET_GUARD_LOG) } : {}),
    },
    logFile: opts.logFile ?? path.join(opts.dir, 'playground.log'),
    onOutput: opts.onOutput,
  });
  const url = `http://127.0.0.1:${opts.port}`;
  const died = child.exited.then((how) => {
    throw new Error(`the Agents Playground exited (${how}) before it was ready.\n${describeLogs(child.output(), playgroundLog)}`);
  });
  died.catch(() => undefined);
  try {
    await Promise.race([died, waitUntilServing(url, child, opts.port, opts.readyTimeoutMs ?? 30_000, playgroundLog)]);
  } catch (e) {
    await child.stop();
    throw e;
  }
  return {
    url,
    port: opts.port,
    dir: opts.dir,
    currentUser: opts.currentUser,
    personalChatId: personalChatId(opts.currentUser),
    playgroundLog,
    child,
    stop: () => child.stop(),
  };
}

/**
 * A Teams-shaped activity from the signed-in person in their 1:1 chat, filled in by the playground
 * (GET /_internal/v1/customActivities/template). Without `type` its `type` is a placeholder to replace;
 * with one of the playground's template types ("install", "botAdded", …) it is that activity.
 */
export async function activityTemplate(pg: Pick<Playground, 'url' | 'personalChatId'>, type?: string): Promise<Record<string, any>> {
  const q = new URLSearchParams({ conversationId: pg.personalChatId, ...(type ? { type } : {}) });
  const res = await fetch(`${pg.url}/_internal/v1/customActivities/template?${q}`);
  if (!res.ok) throw new Error(`custom activity template: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

/**
 * Send an activity to the bot through the playground (POST /_internal/v1/customActivities), as if the
 * signed-in person had sent it: `activity` replaces fields of the template (type defaults to "message").
 * The playground answers at once and forwards in the background; the bot's replies show in its chat.
 */
export async function sendCustomActivity(pg: Pick<Playground, 'url' | 'personalChatId'>, activity: Record<string, unknown>, templateType?: string): Promise<void> {
  const base = await activityTemplate(pg, templateType);
  const res = await fetch(`${pg.url}/_internal/v1/customActivities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...base, ...(templateType ? {} : { type: 'message' }), ...activity }),
  });
  if (!res.ok) throw new Error(`custom activity: HTTP ${res.status} ${await res.text()}`);
}

async function waitUntilServing(url: string, child: GroupChild, port: number, timeoutMs: number, playgroundLog: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    // It silently moves to another port when the one asked for is taken; callers choose a free one.
    if (/already in use/i.test(child.output())) {
      throw new Error(`the Agents Playground could not use port ${port}: it is in use.`);
    }
    try {
      if ((await fetch(url + '/')).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`the Agents Playground did not answer on ${url} within ${timeoutMs} ms.\n${describeLogs(child.output(), playgroundLog)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function describeLogs(output: string, playgroundLog: string): string {
  const own = existsSync(playgroundLog) ? readFileSync(playgroundLog, 'utf8').trim().split('\n').slice(-20).join('\n') : '(none yet)';
  return `Its output:\n${output.trim().split('\n').slice(-20).join('\n') || '(none)'}\nIts log ${playgroundLog}:\n${own}`;
}

/**
 * NODE_OPTIONS may preload modules by relative path (the test command does: ./tests/support/net-guard.mjs);
 * the playground runs in another directory, so make them file URLs.
 */
export function absoluteNodeOptions(nodeOptions: string | undefined): string {
  return (nodeOptions ?? '').replace(/(--(import|require|loader|experimental-loader)(?:=|\s+))(\.{1,2}\/\S+)/g, (_m, flag: string, kind: string, rel: string) => {
    return flag + (kind === 'require' ? path.resolve(rel) : pathToFileURL(path.resolve(rel)).href);
  });
}
