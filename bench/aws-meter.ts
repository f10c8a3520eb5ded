/** Counts the AWS calls and DynamoDB capacity a piece of code uses, without touching the code under measurement. */
import { type AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
// Types only: the middleware contract of the clients above, which re-export none of it.
import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';

/**
 * One item a DynamoDB write sent: the whole item of a put, the key of an update (whose stored item
 * the caller reads afterwards to size it) with the attributes its expression sets or removes, in a
 * transaction or not. Deletes are not listed.
 */
export type SentWrite =
  | { table: string; transactional: boolean; item: Record<string, unknown> }
  | { table: string; transactional: boolean; updatedKey: Record<string, unknown>; touched: string[] };

/**
 * The top-level attributes an update expression sets, removes, adds to or deletes from
 * (`SET #a = :v, b.c = list_append(b.c, :x) REMOVE gsi3pk` → a, b, gsi3pk), names resolved.
 */
export const touchedAttributes = (expression: string, names: Record<string, string> = {}): string[] => {
  const touched = new Set<string>();
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).slice(1);
  for (let i = 0; i + 1 < clauses.length; i += 2) {
    const body = clauses[i + 1] ?? '';
    // the clause's actions, split at the commas outside function calls
    const actions: string[] = [];
    let depth = 0;
    let current = '';
    for (const char of body) {
      if (char === '(') depth += 1;
      if (char === ')') depth -= 1;
      if (char === ',' && depth === 0) {
        actions.push(current);
        current = '';
      } else current += char;
    }
    actions.push(current);
    for (const action of actions) {
      const path = action.trim().split(/[\s=]/)[0] ?? '';
      const first = path.split(/[.[]/)[0] ?? '';
      if (first === '') continue;
      touched.add(first.startsWith('#') ? (names[first] ?? first) : first);
    }
  }
  return [...touched];
};

const namesAt = (value: unknown): Record<string, string> => {
  const names = objectAt(value, 'ExpressionAttributeNames');
  return typeof names === 'object' && names !== null ? (names as Record<string, string>) : {};
};

export type AwsUsage = {
  /** `Service.Operation` → number of calls (SDK-level calls; retries are not counted twice) */
  calls: Record<string, number>;
  totalCalls: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  /** the items DynamoDB writes sent, for billed units (bench/billed-writes.ts) */
  writes: SentWrite[];
};

export type AwsMeter = {
  reset: () => void;
  usage: () => AwsUsage;
  /** puts every patched `send` back */
  uninstall: () => void;
};

/** DynamoDB operations that take `ReturnConsumedCapacity`. */
const capacityOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);
const readOperations = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

const numberAt = (value: object, key: string): number | undefined => {
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'number' ? found : undefined;
};

/** A single operation returns one ConsumedCapacity, batches and transactions one per table. */
const consumedCapacity = (output: unknown): object[] => {
  if (typeof output !== 'object' || output === null || !('ConsumedCapacity' in output)) return [];
  const consumed: unknown = output.ConsumedCapacity;
  const entries: unknown[] = Array.isArray(consumed) ? consumed : [consumed];
  return entries.filter((entry): entry is object => typeof entry === 'object' && entry !== null);
};

const middlewareName = 'kontaktBenchMeter';

const attributeTypes = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

/** An item as the middleware sees it: marshalled (`{ S: … }`) when the document client already did it. */
const plain = (item: unknown): Record<string, unknown> => {
  if (typeof item !== 'object' || item === null) return {};
  const values = Object.values(item);
  const marshalled =
    values.length > 0 &&
    values.every(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        Object.keys(v).length === 1 &&
        attributeTypes.has(Object.keys(v)[0] ?? ''),
    );
  return marshalled ? unmarshall(item as Record<string, AttributeValue>) : { ...item };
};

const objectAt = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
const stringAt = (value: unknown, key: string): string => {
  const found = objectAt(value, key);
  return typeof found === 'string' ? found : '';
};

/** The items a write operation sends. */
const sentWrites = (operation: string, input: unknown): SentWrite[] => {
  if (operation === 'PutItem') {
    return [{ table: stringAt(input, 'TableName'), transactional: false, item: plain(objectAt(input, 'Item')) }];
  }
  if (operation === 'UpdateItem') {
    return [
      {
        table: stringAt(input, 'TableName'),
        transactional: false,
        updatedKey: plain(objectAt(input, 'Key')),
        touched: touchedAttributes(stringAt(input, 'UpdateExpression'), namesAt(input)),
      },
    ];
  }
  if (operation === 'TransactWriteItems') {
    const items = objectAt(input, 'TransactItems');
    return (Array.isArray(items) ? items : []).flatMap((entry): SentWrite[] => {
      const put = objectAt(entry, 'Put');
      if (put) return [{ table: stringAt(put, 'TableName'), transactional: true, item: plain(objectAt(put, 'Item')) }];
      const update = objectAt(entry, 'Update');
      if (update) {
        return [
          {
            table: stringAt(update, 'TableName'),
            transactional: true,
            updatedKey: plain(objectAt(update, 'Key')),
            touched: touchedAttributes(stringAt(update, 'UpdateExpression'), namesAt(update)),
          },
        ];
      }
      return [];
    });
  }
  if (operation === 'BatchWriteItem') {
    const byTable = objectAt(input, 'RequestItems');
    return Object.entries(typeof byTable === 'object' && byTable !== null ? byTable : {}).flatMap(([table, requests]) =>
      (Array.isArray(requests) ? requests : []).flatMap((request): SentWrite[] => {
        const put = objectAt(request, 'PutRequest');
        return put ? [{ table, transactional: false, item: plain(objectAt(put, 'Item')) }] : [];
      }),
    );
  }
  return [];
};

/**
 * The SDK has no process-wide middleware hook (a stack belongs to one client, and the clients are
 * created inside functions/shared/*-client.ts). So `send` is wrapped on the client classes of this
 * process, which are the very classes the handler imports, and the first call of each client adds
 * the meter to its middleware stack. A DynamoDBDocumentClient shares its DynamoDBClient's stack, so
 * the meter is added once per stack, not per client.
 */
export const installAwsMeter = (): AwsMeter => {
  const empty = (): AwsUsage => ({ calls: {}, totalCalls: 0, readCapacityUnits: 0, writeCapacityUnits: 0, writes: [] });
  let usage = empty();
  const metered = new WeakSet<object>();

  const meter =
    <I extends object, O extends object>(): InitializeMiddleware<I, O> =>
    (next, context) =>
    async (args) => {
      const service = (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const key = `${service}.${operation}`;
      usage.calls[key] = (usage.calls[key] ?? 0) + 1;
      usage.totalCalls += 1;
      if (service === 'DynamoDB') usage.writes.push(...sentWrites(operation, args.input));
      const asksCapacity =
        service === 'DynamoDB' && capacityOperations.has(operation) && !('ReturnConsumedCapacity' in args.input);
      const result = await next(
        asksCapacity ? { ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } } : args,
      );
      for (const entry of consumedCapacity(result.output)) {
        const read = numberAt(entry, 'ReadCapacityUnits');
        const write = numberAt(entry, 'WriteCapacityUnits');
        if (read !== undefined || write !== undefined) {
          usage.readCapacityUnits += read ?? 0;
          usage.writeCapacityUnits += write ?? 0;
        } else if (readOperations.has(operation)) {
          // with TOTAL, DynamoDB gives one figure; the operation says which kind it is
          usage.readCapacityUnits += numberAt(entry, 'CapacityUnits') ?? 0;
        } else {
          usage.writeCapacityUnits += numberAt(entry, 'CapacityUnits') ?? 0;
        }
      }
      return result;
    };

  const attach = <I extends object, O extends object>(stack: MiddlewareStack<I, O>): void => {
    if (metered.has(stack)) return;
    metered.add(stack);
    stack.add(meter<I, O>(), { step: 'initialize', priority: 'high', name: middlewareName, override: true });
  };

  const instrument = (client: unknown): void => {
    if (client instanceof DynamoDBDocumentClient) attach(client.middlewareStack);
    else if (client instanceof DynamoDBClient) attach(client.middlewareStack);
    else if (client instanceof SQSClient) attach(client.middlewareStack);
    else if (client instanceof S3Client) attach(client.middlewareStack);
  };

  const restores = [DynamoDBDocumentClient, DynamoDBClient, SQSClient, S3Client].map(({ prototype }) => {
    const original: unknown = Reflect.get(prototype, 'send');
    if (typeof original !== 'function') throw new Error('an SDK client without send: the SDK changed');
    const own = Object.getOwnPropertyDescriptor(prototype, 'send');
    Object.defineProperty(prototype, 'send', {
      configurable: true,
      writable: true,
      value: function send(this: unknown, ...args: unknown[]): unknown {
        instrument(this);
        return Reflect.apply(original, this, args);
      },
    });
    return () => {
      if (own) Object.defineProperty(prototype, 'send', own);
      else Reflect.deleteProperty(prototype, 'send');
    };
  });

  return {
    reset: () => {
      usage = empty();
    },
    usage: () => ({ ...usage, calls: { ...usage.calls }, writes: [...usage.writes] }),
    uninstall: () => {
      for (const restore of restores) restore();
    },
  };
};
