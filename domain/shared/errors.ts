/**
 * Every problem Kontakt reports, in one registry: its code (the problem `type` slug clients see,
 * `/problems/<code>`) and what it means. The domain knows no HTTP: the edge
 * (functions/shared/problem.ts) gives each code its status and title, and a test pins both.
 */
export const problems = {
  'validation-failed': 'the input does not have the shape a field takes; `errors` names each field',
  unprocessable: 'the input is well-formed but names something unusable (a linked record that is gone or merged)',
  'not-found': 'no record with this id',
  forbidden: 'the caller may not do this (a role is missing)',
  unauthorized: 'no valid user token',
  'unknown-user': 'a valid token that belongs to no Kontakt user',
  'invalid-api-key': 'no valid, unrevoked agency API key',
  'invalid-signature': 'a webhook delivery whose signature does not match',
  'origin-not-allowed': 'a browser origin the web form does not allow',
  'payload-too-large': 'a body over the route’s limit',
  'unsupported-media-type': 'a body of a content type the route does not take',
  'idempotency-key-reused': 'an Idempotency-Key sent again with another request within 24 hours',
  'possible-duplicates': 'a record that may exist already; sent again with `force` it is created',
  'stale-version': 'the record changed since the version the change was based on',
  'concurrent-change': 'another change touched the same records at the same moment; retry',
  'merge-in-progress': 'the record is being merged into another (`survivorId`); retry there',
  'already-merged': 'the records were merged already',
  'already-converted': 'the inbox entry became an opportunity already',
  'already-deal': 'the opportunity is a deal already',
  'already-exists': 'a record with this id exists already',
  archived: 'the inbox entry is archived',
  spam: 'the inbox entry is spam',
  'invalid-status-transition': 'the status cannot change this way',
  'activity-done': 'the activity is done and cannot change',
  'opportunity-closed': 'the opportunity is won or lost and cannot change',
  'ticket-closed': 'the ticket is closed: read-only until an update reopens it',
  'not-quarantined': 'the email is not in quarantine',
  'address-taken': 'the address belongs to another user',
  'number-taken': 'the number belongs to another record',
  'pipeline-exists': 'a pipeline with this id exists already',
  'step-in-use': 'a pipeline step that open opportunities stand on',
  'webform-exists': 'a web form with this key exists already',
  'user-exists': 'a user with this id exists already',
  'too-many-keys': 'the agency has as many API keys as it may',
  'import-already-started': 'the import runs or ran already',
  'import-file-missing': 'the import has no uploaded file yet',
  busy: 'too busy to take this now; sent again later it is taken (nothing is stored twice)',
  'rate-limited': 'more than the caller may send in this time',
  'service-unavailable': 'a dependency is briefly unavailable; retry',
  internal: 'a fault of Kontakt’s own, logged with the request id',
} as const;

export type ProblemCode = keyof typeof problems;

export type FieldError = { field: string; message: string };

/** A problem the domain or a use case reports: its code, what happened, and the fields it concerns. */
export class KontaktError extends Error {
  readonly code: ProblemCode;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown>;
  /** response headers the answer must carry (CORS for a browser origin, Retry-After, …) */
  readonly headers: Record<string, string>;

  constructor(
    code: ProblemCode,
    detail: string,
    options: {
      errors?: FieldError[];
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KontaktError';
    this.code = code;
    this.errors = options.errors;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** The same error, answered with these headers as well. */
  withHeaders(headers: Record<string, string>): KontaktError {
    return new KontaktError(this.code, this.message, {
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      extra: this.extra,
      headers: { ...this.headers, ...headers },
      cause: this,
    });
  }
}

/**
 * Errors one answer names at most: enough for any real form; a hostile body with thousands of bad
 * fields gets the first ones and a count, not an answer of megabytes (Lambda answers at most 6 MB).
 */
export const maxFieldErrors = 50;

export const validationError = (errors: FieldError[], detail?: string): KontaktError => {
  const [next] = errors.slice(maxFieldErrors);
  const named =
    next === undefined
      ? errors
      : [
          ...errors.slice(0, maxFieldErrors),
          { field: next.field, message: `${next.message}; and ${errors.length - maxFieldErrors - 1} more errors` },
        ];
  return new KontaktError('validation-failed', detail ?? named.map((e) => `${e.field}: ${e.message}`).join('; '), {
    errors: named,
  });
};

export const notFound = (what: string, id: string): KontaktError =>
  new KontaktError('not-found', `${what} ${id} does not exist`);

export const forbidden = (detail: string): KontaktError => new KontaktError('forbidden', detail);

/** The codes of a record's state that a change conflicts with. */
export type ConflictCode = Extract<
  ProblemCode,
  | 'stale-version'
  | 'concurrent-change'
  | 'merge-in-progress'
  | 'already-merged'
  | 'already-converted'
  | 'already-deal'
  | 'already-exists'
  | 'archived'
  | 'spam'
  | 'invalid-status-transition'
  | 'activity-done'
  | 'opportunity-closed'
  | 'ticket-closed'
  | 'not-quarantined'
  | 'address-taken'
  | 'number-taken'
  | 'pipeline-exists'
  | 'step-in-use'
  | 'webform-exists'
  | 'user-exists'
  | 'too-many-keys'
  | 'import-already-started'
  | 'import-file-missing'
>;

export const conflict = (code: ConflictCode, detail: string, extra?: Record<string, unknown>): KontaktError =>
  new KontaktError(code, detail, extra === undefined ? {} : { extra });

export const unprocessable = (field: string, message: string): KontaktError =>
  new KontaktError('unprocessable', `${field}: ${message}`, { errors: [{ field, message }] });
