/** The S3 client, once per container; locally the endpoint comes from AWS_ENDPOINT_URL_S3 (path-style). */
import { S3Client } from '@aws-sdk/client-s3';
import { once } from '../../domain/shared/once.ts';
import { bodyRequestTimeouts, maxAttempts } from './client-timeouts.ts';

/**
 * `presignsUploads`: checksums only when required. By default the SDK signs a presigned PutObject
 * URL with the CRC32 of an *empty* body, which S3 then holds every real upload against and rejects
 * (see imports/import-file-store.ts); the local emulator ignores it, so only AWS would notice.
 */
export const createS3Client = (options: { presignsUploads?: boolean } = {}): S3Client => {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || undefined;
  return new S3Client({
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    requestHandler: bodyRequestTimeouts,
    maxAttempts,
    ...(options.presignsUploads ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const } : {}),
  });
};

/** The container's one S3 client that presigns uploads, built at cold start by the entry of an HTTP function that uses it. */
export const sharedPresigningS3Client = once(() => createS3Client({ presignsUploads: true }));
