/**
 * The contacts' files in the mail bucket: persons' photos under `photos/` (named by their SHA-256,
 * so a photo imported twice is stored once), vCard files uploaded for import under
 * `vcard-uploads/` (a presigned PUT, for files over the 4 MB a request may carry), and mail
 * attachments (`attachments/`, written by the mail receiver) read for a vCard import.
 * Used by the contact-files function only (contact-files.handler.ts), so the contacts API's
 * cold start carries neither the S3 client nor the vCard reader.
 */
import { GetObjectCommand, NoSuchKey, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createS3Client } from '../shared/s3-client.ts';

/** How long an upload URL works. */
export const vcardUploadSeconds = 15 * 60;

const photoKey = (sha256: string): string => `photos/${sha256}`;
const uploadKey = (uploadId: string): string => `vcard-uploads/${uploadId}`;

const missing = (error: unknown): boolean => error instanceof NotFound || error instanceof NoSuchKey;

export const createContactFiles = (bucket: string, s3?: S3Client) => {
  // it presigns the vCard uploads
  const client = s3 ?? createS3Client({ presignsUploads: true });

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
