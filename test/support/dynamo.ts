import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamo';

/** Not a performance limit: see useLocalDynamo. */
const HOOK_TIMEOUT_MS = 30_000;

/**
 * A fresh in-memory dynalite for the calling test file: started in `beforeAll`, closed in
 * `afterAll`. Returns an accessor, since the instance exists only once the hook has run.
 */
export const useLocalDynamo = (): (() => LocalDynamo) => {
  let dynamo: LocalDynamo | undefined;
  // The hooks' own limit, for projects without the integration one (test/support/integration-timeout.ts):
  // starting dynalite took over Jest's default 5 s in the infra project on a loaded machine.
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await dynamo?.close();
  }, HOOK_TIMEOUT_MS);
  return () => {
    if (!dynamo) throw new Error('local DynamoDB is not running: use it inside a test or a hook');
    return dynamo;
  };
};

/** A command as the document client receives it: its class tells the operation. */
export interface SentCommand {
  constructor: unknown;
  input: { Key?: { sk?: string }; Item?: { sk?: string } };
}

/**
 * The document client, telling `onSend` about every command before sending it: for tests that
 * count reads and writes (pass it as the local app's `wrapDynamo`).
 */
export const watchingSends =
  (onSend: (command: SentCommand) => void) =>
  (client: DynamoDBDocumentClient): DynamoDBDocumentClient => {
    const watched = Object.create(client) as DynamoDBDocumentClient;
    watched.send = ((command: SentCommand, ...rest: never[]) => {
      onSend(command);
      return (client.send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as DynamoDBDocumentClient['send'];
    return watched;
  };
