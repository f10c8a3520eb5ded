/** The SQS client, once per container; locally the endpoint comes from AWS_ENDPOINT_URL_SQS. */
import { SQSClient } from '@aws-sdk/client-sqs';
import { once } from '../../domain/shared/once.ts';
import { maxAttempts, requestTimeouts } from './client-timeouts.ts';

export const createSqsClient = (): SQSClient => {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS || undefined;
  // The local emulator serves queue URLs on its own host; never let the SDK rewrite the endpoint.
  return new SQSClient({
    ...(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}),
    requestHandler: requestTimeouts,
    maxAttempts,
  });
};

/** The container's one SQS client, built at cold start by the entry of an HTTP function that sends (see sharedDocumentClient). */
export const sharedSqsClient = once(createSqsClient);
