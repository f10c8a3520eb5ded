/**
 * How much of a received mail Kontakt stores. Every mail SES accepts is stored; what goes past a
 * limit is cut, the email says `truncated: true` and which parts were cut, and the raw message
 * stays whole in S3. README "Smart BCC: limits of a stored mail" explains each number.
 */
export const mailLimits = {
  /** SES receiving refuses larger messages (552 5.3.4); the local SMTP server does the same. */
  maxMessageBytes: 40 * 1024 * 1024,
  /** RFC 5322 §2.1.1: a line holds at most 998 characters; a subject or Message-ID longer than one line is not mail a person wrote. */
  maxSubjectChars: 998,
  maxMessageIdChars: 998,
  /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets. */
  maxAddressChars: 254,
  maxDisplayNameChars: 200,
  /** per header field (to, cc): RFC 5321 §4.5.3.1.8 asks servers to take at least 100 recipients */
  maxRecipientsPerField: 100,
  /** attachments kept in S3 and listed; later ones are read past (they stay in the raw message) */
  maxAttachments: 100,
  /** NTFS, ext4 and APFS take at most 255 bytes in a file name */
  maxFilenameBytes: 255,
  /** RFC 6838 §4.2: type and subtype are at most 127 characters each */
  maxContentTypeChars: 255,
  maxTextChars: 100_000,
  /**
   * A header field as the parser sees it (folded lines joined): Postfix's `header_size_limit`
   * default. A longer field (a several-MB header line) is cut as it streams in, never buffered.
   */
  maxHeaderFieldBytes: 100 * 1024,
  /**
   * A whole header block, counted as mailsplit counts it (each line at least 64 bytes): half of
   * the 1 MiB a MIME part's header may have in mailparser's splitter, so a cut block always parses.
   */
  maxHeaderBlockBytes: 512 * 1024,
  /**
   * MIME parts read in one message: mailsplit's (mailparser's splitter's) own limit, which fails
   * the whole parse when crossed; the message is cut just before it instead.
   */
  maxMimeParts: 1000,
  /**
   * Nesting of multiparts and attached messages. Real mail nests 3–5 levels and a mail forwarded
   * as an attachment adds about 3, so 32 holds ten forwards inside each other. Deeper costs CPU:
   * mailsplit compares every line that starts with `--` with each enclosing boundary, so a 40 MB
   * message of such lines at depth 32 takes about 15 s (depth 100 would near the worker's 60 s),
   * and mailparser walks the part tree recursively and overflows the stack at a few thousand.
   */
  maxMimeDepth: 32,
  /** encoded bytes of one text or HTML body part: far more than the stored text needs, and what bounds the text's memory and HTML conversion time */
  maxTextPartBytes: 2 * 1024 * 1024,
  /**
   * DynamoDB refuses an item over 400 KB. The email's attributes, measured as UTF-8 JSON (which
   * is never smaller than DynamoDB's own count), stay under this; keys and tags need far less
   * than the rest.
   */
  maxStoredBytes: 350_000,
} as const;

/** What a stored email may say was cut. */
export const truncationReasons = [
  /** header fields or whole header lines over their limit */
  'headers',
  'subject',
  'messageId',
  'from',
  'to',
  'cc',
  'text',
  'attachments',
  /** the MIME structure past the part or depth limit, or past a point mailsplit could not read */
  'parts',
] as const;
export type TruncationReason = (typeof truncationReasons)[number];
