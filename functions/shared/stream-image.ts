/** DynamoDB stream images (attribute-value JSON as Lambda delivers it) as plain items. */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as StreamAttributeValue } from 'aws-lambda';

/** Lambda's event type and the SDK's type describe the same JSON; this maps one onto the other. */
const toSdk = (value: StreamAttributeValue): AttributeValue => {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.M !== undefined) return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, toSdk(v)])) };
  if (value.L !== undefined) return { L: value.L.map(toSdk) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.B !== undefined) return { B: Buffer.from(value.B, 'base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b, 'base64')) };
  throw new Error(`unknown attribute value with keys ${Object.keys(value).join(', ')}`);
};

export const decodeStreamImage = (image: Record<string, StreamAttributeValue>): Record<string, unknown> =>
  unmarshall(Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toSdk(v)])));
