// A problem's own members (type, title, status, detail) always say what RFC 9457 says they say:
// a refusal's extra facts never overwrite them.
import { describe, expect, it } from 'vitest';
import { createOpportunity, markWon } from '../../../domain/opportunities/opportunity.ts';
import { defaultLeadPipeline } from '../../../domain/pipelines/pipeline.ts';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { problemResponse } from '../../../functions/shared/problem.ts';

describe('problem members', () => {
  it('keeps the HTTP status in `status` when a closed opportunity is refused', () => {
    const now = new Date('2026-03-02T09:00:00.000Z');
    const opp = createOpportunity(
      'o1',
      1,
      {
        title: 'X',
        stage: 'lead',
        pipeline: defaultLeadPipeline,
        value: null,
        source: 'webform',
        priority: 'normal',
        responsibleUserId: null,
        companyId: null,
        personId: null,
      },
      now,
    );
    const won = markWon(opp, now);

    let body: unknown;
    try {
      markWon(won, now);
    } catch (error) {
      if (!(error instanceof KontaktError)) throw error;
      body = JSON.parse(problemResponse(error).body ?? '{}');
    }

    expect(body).toMatchObject({ type: '/problems/opportunity-closed', status: 409, opportunityStatus: 'won' });
  });
});
