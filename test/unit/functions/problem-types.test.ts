// Every problem a client can see, pinned: its `type` slug and HTTP status as they were answered before
// the domain's errors lost their HTTP statuses. A new code must be added here, with its status, on
// purpose; a changed status or a renamed slug fails.
import { describe, expect, it } from 'vitest';
import { KontaktError, type ProblemCode, problems } from '../../../domain/shared/errors.ts';
import { mergedRedirect, problemResponse, problemTypes } from '../../../functions/shared/problem.ts';

const pinned: Record<ProblemCode, [status: number, title: string]> = {
  'validation-failed': [400, 'Invalid input'],
  unprocessable: [422, 'Unprocessable input'],
  'not-found': [404, 'Not found'],
  forbidden: [403, 'Forbidden'],
  unauthorized: [401, 'Unauthorized'],
  'unknown-user': [403, 'Forbidden'],
  'invalid-api-key': [401, 'Unauthorized'],
  'invalid-signature': [401, 'Unauthorized'],
  'origin-not-allowed': [403, 'Forbidden'],
  'payload-too-large': [413, 'Payload too large'],
  'unsupported-media-type': [415, 'Unsupported media type'],
  'idempotency-key-reused': [422, 'Idempotency key reused'],
  'possible-duplicates': [409, 'Possible duplicates'],
  'stale-version': [409, 'Conflict'],
  'concurrent-change': [409, 'Conflict'],
  'merge-in-progress': [409, 'Conflict'],
  'already-merged': [409, 'Conflict'],
  'already-converted': [409, 'Conflict'],
  'already-deal': [409, 'Conflict'],
  'already-exists': [409, 'Conflict'],
  archived: [409, 'Conflict'],
  spam: [409, 'Conflict'],
  'invalid-status-transition': [409, 'Conflict'],
  'activity-done': [409, 'Conflict'],
  'opportunity-closed': [409, 'Conflict'],
  'ticket-closed': [409, 'Conflict'],
  'not-quarantined': [409, 'Conflict'],
  'address-taken': [409, 'Conflict'],
  'number-taken': [409, 'Conflict'],
  'pipeline-exists': [409, 'Conflict'],
  'step-in-use': [409, 'Conflict'],
  'webform-exists': [409, 'Conflict'],
  'user-exists': [409, 'Conflict'],
  'too-many-keys': [409, 'Conflict'],
  'import-already-started': [409, 'Conflict'],
  'import-file-missing': [409, 'Conflict'],
  busy: [429, 'Too many requests'],
  'rate-limited': [429, 'Too many requests'],
  'service-unavailable': [503, 'Service unavailable'],
  internal: [500, 'Internal error'],
};

describe('problem types', () => {
  it('has a meaning for every code and an HTTP status and title for every meaning', () => {
    expect(Object.keys(problemTypes).sort()).toEqual(Object.keys(problems).sort());
    for (const meaning of Object.values(problems)) expect(meaning.length).toBeGreaterThan(10);
  });

  it.each(Object.entries(pinned))('answers %s with the status and title clients know', (code, [status, title]) => {
    const res = problemResponse(new KontaktError(code as ProblemCode, 'what happened'), '/v1/x');

    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body ?? '{}')).toEqual({
      type: `/problems/${code}`,
      title,
      status,
      detail: 'what happened',
      instance: '/v1/x',
    });
    if (status === 429 || status === 503) expect(res.headers['retry-after']).toBe('5');
  });

  it('answers a merged record’s id 308 with the survivor, as a result of the read', () => {
    expect(mergedRedirect('person P1 was merged into P2', 'P2', '/v1/persons/P2', '/v1/persons/P1')).toEqual({
      status: 308,
      headers: { location: '/v1/persons/P2', 'content-type': 'application/problem+json' },
      body: {
        survivorId: 'P2',
        type: '/problems/merged',
        title: 'Permanent Redirect',
        status: 308,
        detail: 'person P1 was merged into P2',
        instance: '/v1/persons/P1',
      },
    });
  });
});
