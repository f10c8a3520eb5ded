/** The S3 client, once per container; locally the endpoint comes from AWS_ENDPOINT_URL_S3 (path-style). */
import { S3Client } from '@aws-sdk/client-s3';
import { bodyRequestTimeouts, maxAttempts } from './client-timeouts.ts';

export const createS3Client = (): S3Client => {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || undefined;
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestHandler: bodyRequestTimeouts,
    maxAttempts,
  });
};
