import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { ORDER_SK, orderPk } from '../../shared/adapters/dynamodb/order-store';
import type { Order } from '../../shared/core/orders/model';

type Image = NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as Image;

let sequence = 0;

/** A DynamoDB stream record (NEW_AND_OLD_IMAGES) of any item: `before` undefined is an INSERT. */
export const itemRecord = (
  keys: { pk: string; sk: string },
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
): DynamoDBRecord => ({
  eventID: `e-${++sequence}`,
  eventName: before ? 'MODIFY' : 'INSERT',
  eventSource: 'aws:dynamodb',
  awsRegion: 'ap-southeast-1',
  dynamodb: {
    Keys: image(keys),
    NewImage: image({ ...keys, ...after }),
    ...(before && { OldImage: image({ ...keys, ...before }) }),
    SequenceNumber: String(sequence).padStart(21, '0'),
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

/** The stream record of a write that changed an order from `before` (undefined: a new one) to `after`. */
export const orderRecord = (before: Order | undefined, after: Order): DynamoDBRecord =>
  itemRecord({ pk: orderPk(after.appTransId), sk: ORDER_SK }, before && { ...before }, { ...after });
