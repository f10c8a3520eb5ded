/**
 * The contacts' files in the mail bucket: persons' photos under `photos/` (named by their SHA-256,
 * so a photo imported twice is stored once), vCard files uploaded for import under
 * `vcard-uploads/` (a presigned PUT, for files over the 4 MB a request may carry), and mail
 * attachments (`attachments/`, written by the mail receiver) read for a vCard import.
 * Used by the contact-files function only (contact-files.handler.ts), so the contacts API's
 * cold start carries neither the S3 client nor the vCard reader.
 */
import { GetObjectCommand, NoSuchKey, NotFound, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bodyRequestTimeouts, maxAttempts } from '../shared/client-timeouts.ts';

/** How long an upload URL works. */
export const vcardUploadSeconds = 15 * 60;

const photoKey = (sha256: string): string => `photos/${sha256}`;
const uploadKey = (uploadId: string): string => `vcard-uploads/${uploadId}`;

const missing = (error: unknown): boolean => error instanceof NotFound || error instanceof NoSuchKey;

export const createContactFiles = (bucket: string, s3?: S3Client) => {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || undefined;
  // checksums only when required: a presigned PUT signed with the CRC32 of an empty body is refused
  // by S3 for every real upload (see imports/import-file-store.ts)
  const client =
    s3 ??
    new S3Client({
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
      requestHandler: bodyRequestTimeouts,
      maxAttempts,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });

  const read = async (key: string, maxBytes: number): Promise<Uint8Array | 'missing' | 'too-large'> => {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if ((res.ContentLength ?? 0) > maxBytes) {
        // not read: an upload URL takes files of gigabytes
        (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
        return 'too-large';
      }
      return (await res.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (error) {
      if (missing(error)) return 'missing';
      throw error;
    }
  };

  return {
    /** Stores a photo under its hash (the same bytes twice are one object). */
    async putPhoto(sha256: string, bytes: Uint8Array, mediaType: string): Promise<void> {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: photoKey(sha256), Body: bytes, ContentType: mediaType }),
      );
    },
    /** A stored photo's bytes, or null when it is gone. */
    async photo(sha256: string): Promise<Uint8Array | null> {
      const found = await read(photoKey(sha256), Number.POSITIVE_INFINITY);
      return typeof found === 'string' ? null : found;
    },
    uploadUrl: (uploadId: string): Promise<string> =>
      getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: uploadKey(uploadId) }), {
        expiresIn: vcardUploadSeconds,
      }),
    /** An uploaded vCard file, unless missing or larger than `maxBytes`. */
    upload: (uploadId: string, maxBytes: number) => read(uploadKey(uploadId), maxBytes),
    /** A stored mail attachment by its key (`attachments/…`). */
    attachment: (key: string, maxBytes: number) => read(key, maxBytes),
  };
};

export type ContactFiles = ReturnType<typeof createContactFiles>;
