/** One base error with a code; only client errors (4xx) reach a caller with their message. */

export type FieldError = { field: string; message: string };

export class KontaktError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown>;
  /** response headers the answer must carry (CORS for a browser origin, Retry-After, …) */
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    title: string,
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
    this.status = status;
    this.title = title;
    this.errors = options.errors;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** The same error, answered with these headers as well. */
  withHeaders(headers: Record<string, string>): KontaktError {
    return new KontaktError(this.code, this.status, this.title, this.message, {
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
  return new KontaktError(
    'validation-failed',
    400,
    'Invalid input',
    detail ?? named.map((e) => `${e.field}: ${e.message}`).join('; '),
    { errors: named },
  );
};

export const notFound = (what: string, id: string): KontaktError =>
  new KontaktError('not-found', 404, 'Not found', `${what} ${id} does not exist`);

export const forbidden = (detail: string): KontaktError => new KontaktError('forbidden', 403, 'Forbidden', detail);

export const conflict = (code: string, detail: string, extra?: Record<string, unknown>): KontaktError =>
  new KontaktError(code, 409, 'Conflict', detail, extra === undefined ? {} : { extra });

export const unprocessable = (field: string, message: string): KontaktError =>
  new KontaktError('unprocessable', 422, 'Unprocessable input', `${field}: ${message}`, {
    errors: [{ field, message }],
  });
