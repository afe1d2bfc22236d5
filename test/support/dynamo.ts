import { type LocalDynamo, startLocalDynamo } from '../../local/dynamo';

/**
 * A fresh in-memory dynalite for the calling test file: started in `beforeAll`, closed in
 * `afterAll`. Returns an accessor, since the instance exists only once the hook has run.
 */
export const useLocalDynamo = (): (() => LocalDynamo) => {
  let dynamo: LocalDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  return () => {
    if (!dynamo) throw new Error('local DynamoDB is not running: use it inside a test or a hook');
    return dynamo;
  };
};
