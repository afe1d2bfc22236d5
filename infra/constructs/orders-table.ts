import type { AttributeDefinition, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  DAY_INDEX,
  DUE_CHECKS_INDEX,
  REVIEWS_INDEX,
  TTL_ATTRIBUTE,
} from '../../shared/adapters/dynamodb/schema';
import { tableDefinition } from '../../shared/adapters/dynamodb/table';

/**
 * What a function does with the table, as the narrowest set of DynamoDB actions the stores call
 * for it (shared/adapters/dynamodb/).
 */
export type TableAccess =
  | 'read-orders'
  | 'write-orders'
  | 'read-history'
  | 'idempotency'
  | 'due-checks'
  | 'reviews'
  | 'orders-by-day';

const ACCESS: Record<TableAccess, { actions: string[]; onIndex?: string }> = {
  'read-orders': { actions: ['dynamodb:GetItem'] },
  // Orders are read with GetItem; every order change and history entry is a conditional PutItem.
  'write-orders': { actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
  'read-history': { actions: ['dynamodb:Query'] },
  idempotency: {
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  },
  'due-checks': { actions: ['dynamodb:Query'], onIndex: DUE_CHECKS_INDEX.name },
  reviews: { actions: ['dynamodb:Query'], onIndex: REVIEWS_INDEX.name },
  'orders-by-day': { actions: ['dynamodb:Query'], onIndex: DAY_INDEX.name },
};

const PROJECTIONS = {
  ALL: ProjectionType.ALL,
  KEYS_ONLY: ProjectionType.KEYS_ONLY,
  INCLUDE: ProjectionType.INCLUDE,
} as const;

const keyOf = (schema: readonly KeySchemaElement[] | undefined, type: 'HASH' | 'RANGE') =>
  schema?.find((k) => k.KeyType === type)?.AttributeName;

/**
 * The single table of `schema.ts`, declared from the very `tableDefinition` the local runtime and
 * the tests create, so the deployed keys and index cannot drift from them. On-demand, point-in-time
 * recovery, deletion protection and RETAIN in every stage (a sandbox holds real payment records
 * too), TTL on the idempotency records, and a stream of old and new images for order events.
 */
export class OrdersTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The name is CloudFormation's to choose: only the keys and the index are taken from here.
    const definition = tableDefinition('orders');
    const attribute = (name: string | undefined): Attribute => {
      const found = definition.AttributeDefinitions?.find(
        (a: AttributeDefinition) => a.AttributeName === name,
      );
      if (!name || found?.AttributeType !== 'S') throw new Error(`schema.ts: ${name} must be a string key`);
      return { name, type: AttributeType.STRING };
    };
    const sortKey = keyOf(definition.KeySchema, 'RANGE');

    this.table = new Table(this, 'Table', {
      partitionKey: attribute(keyOf(definition.KeySchema, 'HASH')),
      ...(sortKey && { sortKey: attribute(sortKey) }),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // The change feed of order events (docs/events.md §1): each order write, old and new.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const indexSortKey = keyOf(index.KeySchema, 'RANGE');
      this.table.addGlobalSecondaryIndex({
        indexName: index.IndexName!,
        partitionKey: attribute(keyOf(index.KeySchema, 'HASH')),
        ...(indexSortKey && { sortKey: attribute(indexSortKey) }),
        projectionType: PROJECTIONS[index.Projection?.ProjectionType ?? 'ALL'],
        nonKeyAttributes: index.Projection?.NonKeyAttributes,
      });
    }
  }

  /** Grants `access`, as the narrowest DynamoDB actions on the table or the index it concerns. */
  grant(grantee: IGrantable, ...access: TableAccess[]): void {
    const stack = Stack.of(this);
    for (const { actions, onIndex } of access.map((a) => ACCESS[a])) {
      const resource = onIndex
        ? stack.formatArn({
            service: 'dynamodb',
            resource: 'table',
            resourceName: `${this.table.tableName}/index/${onIndex}`,
          })
        : this.table.tableArn;
      grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [resource] }));
    }
  }
}
