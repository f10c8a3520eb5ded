/** The DynamoDB document client, once per container; locally the endpoint comes from AWS_ENDPOINT_URL_DYNAMODB. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { once } from '../../domain/shared/once.ts';
import { maxAttempts, requestTimeouts } from './client-timeouts.ts';

export const createDocumentClient = (): DynamoDBDocumentClient => {
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB || undefined;
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...(endpoint ? { endpoint } : {}), requestHandler: requestTimeouts, maxAttempts }),
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } },
  );
};

/**
 * The container's one document client. An HTTP function's entry calls it at cold start, so the
 * client is built then, as Lambda advises, and the route code loaded later uses the same client.
 */
export const sharedDocumentClient = once(createDocumentClient);
