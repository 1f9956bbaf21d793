import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { canConnect, freePort, waitFor } from './ports.js';

const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  connectionString: string;
  blobPort: number;
  tablePort: number;
  stop(): Promise<void>;
  /** Start again on the same ports (after `stop`); with a location, data survives. */
  restart(): Promise<void>;
}

export function connectionStringFor(blobPort: number, tablePort: number): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};` +
    `BlobEndpoint=http://127.0.0.1:${blobPort}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${tablePort}/devstoreaccount1;`
  );
}

/** The real Azure Storage emulator as a child process, telemetry off, on free loopback ports. */
export async function startAzurite(opts: { location?: string } = {}): Promise<Azurite> {
  const [blobPort, queuePort, tablePort] = [await freePort(), await freePort(), await freePort()];
  const location = opts.location ?? mkdtempSync(path.join(tmpdir(), 'azurite-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(
      process.execPath,
      [
        'node_modules/azurite/dist/src/azurite.js', '--silent', '--disableTelemetry', '--skipApiVersionCheck', '--loose',
        '--blobHost', '127.0.0.1', '--blobPort', String(blobPort),
        '--queueHost', '127.0.0.1', '--queuePort', String(queuePort),
        '--tableHost', '127.0.0.1', '--tablePort', String(tablePort),
        '--location', location,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await waitFor(() => canConnect(tablePort).then(async (t) => t && (await canConnect(blobPort))), 20_000, 'Azurite');
  };
  await launch();
  return {
    connectionString: connectionStringFor(blobPort, tablePort),
    blobPort,
    tablePort,
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), 3000).unref();
      });
    },
    restart: launch,
  };
}
