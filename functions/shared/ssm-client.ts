/** The SSM client, once per container; locally the endpoint comes from AWS_ENDPOINT_URL_SSM. */
import { SSMClient } from '@aws-sdk/client-ssm';
import { maxAttempts, requestTimeouts } from './client-timeouts.ts';

export const createSsmClient = (): SSMClient => {
  const endpoint = process.env.AWS_ENDPOINT_URL_SSM || undefined;
  return new SSMClient({ ...(endpoint ? { endpoint } : {}), requestHandler: requestTimeouts, maxAttempts });
};
