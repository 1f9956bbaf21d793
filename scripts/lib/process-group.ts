import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export interface GroupChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** Where stdout and stderr are written. */
  readonly logFile: string;
  /** Everything written so far (the last 64 KiB), for readiness checks and error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  readonly exited: Promise<string>;
  /** Stop the whole process group (the child and anything it started): SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface GroupChildOptions {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Called with each chunk of output (after it is logged), e.g. to echo it to the terminal. */
  onOutput?: (chunk: string) => void;
}

const KEEP = 64 * 1024;

/**
 * Start a child as the leader of its own process group, so that stopping it also stops what it started
 * (`tsx watch` runs a second node; Azurite and the playground may fork). Its output goes to a log file.
 */
export function startGroupChild(opts: GroupChildOptions): GroupChild {
  mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log: WriteStream = createWriteStream(opts.logFile, { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} ${opts.command} ${opts.args.join(' ')}\n`);
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (d: Buffer) => {
    const s = d.toString();
    out = (out + s).slice(-KEEP);
    log.write(s);
    opts.onOutput?.(s);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<string>((resolve) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      log.end();
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    };
    child.once('exit', done);
    child.once('error', (e) => {
      out += `\n${e.message}`;
      done(null, null);
    });
  });
  // Leave nothing behind if this process ends abruptly (an uncaught error): a synchronous last resort.
  const lastResort = () => killGroup(child, 'SIGKILL');
  process.once('exit', lastResort);

  return {
    name: opts.name,
    process: child,
    logFile: opts.logFile,
    output: () => out,
    exited,
    async stop(graceMs = 5000) {
      process.removeListener('exit', lastResort);
      if (child.exitCode !== null || child.signalCode !== null) {
        killGroup(child, 'SIGKILL'); // grandchildren may outlive the leader
        return;
      }
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
