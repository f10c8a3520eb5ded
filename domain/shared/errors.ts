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

export const validationError = (errors: FieldError[], detail?: string): KontaktError =>
  new KontaktError(
    'validation-failed',
    400,
    'Invalid input',
    detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    { errors },
  );

export const notFound = (what: string, id: string): KontaktError =>
  new KontaktError('not-found', 404, 'Not found', `${what} ${id} does not exist`);

export const forbidden = (detail: string): KontaktError => new KontaktError('forbidden', 403, 'Forbidden', detail);

export const conflict = (code: string, detail: string, extra?: Record<string, unknown>): KontaktError =>
  new KontaktError(code, 409, 'Conflict', detail, extra === undefined ? {} : { extra });

export const unprocessable = (field: string, message: string): KontaktError =>
  new KontaktError('unprocessable', 422, 'Unprocessable input', `${field}: ${message}`, {
    errors: [{ field, message }],
  });
