import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Order } from '../../core/orders/model';
import { isOrderKey, orderOfItem } from './items';

/** An order as it was and as it is after one write: what an order event is made from. */
export interface OrderChange {
  /** Undefined for a new order (an INSERT). */
  before: Order | undefined;
  after: Order;
}

// aws-lambda declares its own AttributeValue, the same JSON as the SDK's.
const unmarshalled = (image: NonNullable<DynamoDBRecord['dynamodb']>['NewImage']) =>
  unmarshall(image as Record<string, AttributeValue>);

/**
 * The order change a DynamoDB stream record (view type NEW_AND_OLD_IMAGES, docs/events.md §1)
 * carries, or undefined for anything else in the table: history entries, idempotency keys, and
 * removals (orders are never deleted).
 */
export const orderChangeOf = (record: DynamoDBRecord): OrderChange | undefined => {
  const stream = record.dynamodb;
  if (!stream?.Keys || !stream.NewImage || record.eventName === 'REMOVE') return undefined;
  if (!isOrderKey(unmarshalled(stream.Keys))) return undefined;
  return {
    before: stream.OldImage ? orderOfItem(unmarshalled(stream.OldImage)) : undefined,
    after: orderOfItem(unmarshalled(stream.NewImage)),
  };
};
