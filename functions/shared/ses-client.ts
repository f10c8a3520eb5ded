/** The SES v2 client, once per container; locally the endpoint comes from AWS_ENDPOINT_URL_SESV2 (aws-ses-v2-local). */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { maxAttempts, requestTimeouts } from './client-timeouts.ts';

export const createSesClient = (): SESv2Client => {
  const endpoint = process.env.AWS_ENDPOINT_URL_SESV2 || undefined;
  return new SESv2Client({ ...(endpoint ? { endpoint } : {}), requestHandler: requestTimeouts, maxAttempts });
};
