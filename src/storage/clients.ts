import { TableClient, TableServiceClient, type TableEntity } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { DefaultAzureCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { AppConfig } from '../config.js';

/** Every table the app uses, in one place, created at start if missing. */
export const TABLE_NAMES = {
  botState: 'botstate',
  conversationRefs: 'convrefs',
  cases: 'cases',
  directory: 'directory',
  drafts: 'drafts',
  roleChanges: 'rolechanges',
  policies: 'policies',
  askFeedback: 'askfeedback',
  consent: 'consent',
  records: 'records',
} as const;
export type TableKey = keyof typeof TABLE_NAMES;

/** Counts Table storage HTTP requests, so the benchmark can report round trips per step. */
export class RequestCounter {
  count = 0;
  readonly policy: PipelinePolicy = {
    name: 'safer-social-request-counter',
    sendRequest: (request, next) => {
      this.count++;
      return next(request);
    },
  };
}

/** /readyz must answer within a probe's timeout: one try, bounded, instead of the SDK's retries (seconds). */
const PING_TIMEOUT_MS = 2000;
const PING_OPTIONS = { retryOptions: { maxRetries: 0 } };

export interface StorageClients {
  table(name: TableKey): TableClient;
  readonly evidence: ContainerClient;
  readonly counter: RequestCounter;
  /** Create tables and the private evidence container if missing. */
  ensure(): Promise<void>;
  /** Cheap check for /readyz. */
  ping(): Promise<void>;
}

export function createStorageClients(storage: AppConfig['storage']): StorageClients {
  const counter = new RequestCounter();
  const pipeline = { additionalPolicies: [{ policy: counter.policy, position: 'perCall' as const }] };
  const prefix = storage.tablePrefix;
  let pingService: TableServiceClient;
  let tableFactory: (table: string) => TableClient;
  let blobService: BlobServiceClient;

  if (storage.kind === 'connectionString') {
    const allowInsecureConnection = /UseDevelopmentStorage=true|http:\/\//i.test(storage.connectionString);
    const conn = expandDevelopmentStorage(storage.connectionString);
    pingService = TableServiceClient.fromConnectionString(conn, { ...PING_OPTIONS, allowInsecureConnection });
    tableFactory = (t) => TableClient.fromConnectionString(conn, t, { ...pipeline, allowInsecureConnection });
    blobService = BlobServiceClient.fromConnectionString(conn);
  } else {
    const credential = new DefaultAzureCredential();
    const tableUrl = `https://${storage.accountName}.table.core.windows.net`;
    pingService = new TableServiceClient(tableUrl, credential, PING_OPTIONS);
    tableFactory = (t) => new TableClient(tableUrl, t, credential, pipeline);
    blobService = new BlobServiceClient(`https://${storage.accountName}.blob.core.windows.net`, credential);
  }
  const tables = new Map<TableKey, TableClient>();
  for (const key of Object.keys(TABLE_NAMES) as TableKey[]) tables.set(key, tableFactory(prefix + TABLE_NAMES[key]));
  const evidence = blobService.getContainerClient(storage.evidenceContainer);

  return {
    table: (name) => tables.get(name)!,
    evidence,
    counter,
    async ensure() {
      await Promise.all([...tables.values()].map((t) => t.createTable()));
      // No `access` option: the container is private; evidence is only ever served through the app.
      await evidence.createIfNotExists();
    },
    async ping() {
      await pingService.getProperties({ abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    },
  };
}

/**
 * `UseDevelopmentStorage=true` means Azurite on its default ports. Tests and `npm run dev` pass a full
 * connection string for the ports they started; this keeps the short form working for people who run
 * Azurite themselves.
 */
function expandDevelopmentStorage(conn: string): string {
  if (!/^UseDevelopmentStorage=true;?$/i.test(conn.trim())) return conn;
  const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
  return `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${key};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;`;
}

export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number })?.statusCode === 404;
}
export function isConflict(e: unknown): boolean {
  const s = (e as { statusCode?: number })?.statusCode;
  return s === 409 || s === 412;
}
export type { TableEntity };
