import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../shared/adapters/dynamodb/client';
import { tableDefinition } from '../shared/adapters/dynamodb/table';
import { listen } from './server';

/** The subset of dynalite's options we use (it ships no type declarations). */
interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite is CommonJS without types; requiring it keeps the compiler from needing a declaration.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: DynaliteOptions) => Server;

/** The table the local runtime uses. */
const TABLE_NAME = 'zalopay-qr';

/** Options of {@link startLocalDynamo}. */
export interface LocalDynamoOptions {
  /** A LevelDB directory to persist to (created if missing); in memory when absent. */
  dataDir?: string;
}

/** A running embedded DynamoDB with its table ready. */
export interface LocalDynamo {
  /** `http://127.0.0.1:<port>`, for any other SDK client or the AWS CLI. */
  endpoint: string;
  /** A document client for the adapters, already pointed at `endpoint`. */
  client: DynamoDBDocumentClient;
  /** The plain client under it, for code that reads and writes items exactly as stored. */
  baseClient: DynamoDBClient;
  tableName: string;
  /** Destroys the client and stops the server (flushing the LevelDB store when persisted). */
  close(): Promise<void>;
}

/**
 * Starts dynalite on a free loopback port and creates the table of `schema.ts` unless the data
 * directory already holds it. The client has a dummy region and static credentials, so nothing
 * looks for real AWS credentials.
 */
export const startLocalDynamo = async ({ dataDir }: LocalDynamoOptions = {}): Promise<LocalDynamo> => {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, 0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}`;
  const base = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const connections = closeConnectionsOnceClosing(server);
  const close = async () => {
    // dynalite closes its database once the last connection has ended. Ending each connection
    // after its answer, rather than destroying the client's sockets, lets every request already
    // inside dynalite finish its write first: a write to a closed database throws out of dynalite.
    connections.begin();
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    base.destroy();
  };
  try {
    await ensureTable(base, TABLE_NAME);
  } catch (error) {
    await close();
    throw error;
  }
  return { endpoint, client: createDocumentClient(base), baseClient: base, tableName: TABLE_NAME, close };
};

/**
 * Once `begin()` is called, every answer, including those of requests already in progress,
 * closes its connection, so that the server's connections end as soon as their work is done.
 */
const closeConnectionsOnceClosing = (server: Server) => {
  let closing = false;
  const inProgress = new Set<ServerResponse>();
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.shouldKeepAlive = false;
    inProgress.add(res);
    res.once('close', () => inProgress.delete(res));
  });
  return {
    begin: () => {
      closing = true;
      for (const res of inProgress) if (!res.headersSent) res.shouldKeepAlive = false;
    },
  };
};

const ensureTable = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  const definition = tableDefinition(tableName);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // dynalite cannot add an index to a table, and a table without one would fail at the first
    // query of it: say so at start-up instead.
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
    const missing = (definition.GlobalSecondaryIndexes ?? []).filter((i) => !present.has(i.IndexName));
    if (missing.length > 0) {
      throw new Error(
        `DATA_DIR holds a table made by an older version, without the index ${missing.map((i) => i.IndexName).join(', ')}: ` +
          'start with another DATA_DIR (or move this one aside)',
      );
    }
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceNotFoundException')) throw error;
    await client.send(new CreateTableCommand(definition));
  }
  // dynalite turns the table ACTIVE on its next tick, normally before the first describe returns.
  await waitUntilTableExists({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 10 }, { TableName: tableName });
};
