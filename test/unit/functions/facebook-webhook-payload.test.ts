import { describe, expect, it } from 'vitest';
import { KontaktError } from '../../../domain/shared/errors.ts';
import { parseLeadgenChanges } from '../../../functions/facebook/webhook-payload.ts';
import { problemStatus } from '../../../functions/shared/problem.ts';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const delivery = (changes: unknown[]) => body({ object: 'page', entry: [{ id: '123', time: 1714809600, changes }] });

const errorsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof KontaktError) return { status: problemStatus(error), errors: error.errors };
    throw error;
  }
  throw new Error('expected a KontaktError');
};

describe('reading Meta’s leadgen payload', () => {
  it('normalises ids sent as numbers and as strings to the same strings', () => {
    const asNumbers = delivery([
      {
        field: 'leadgen',
        value: { leadgen_id: 444, page_id: 123, form_id: 555, ad_id: 666, created_time: 1714809600 },
      },
    ]);
    const asStrings = delivery([
      {
        field: 'leadgen',
        value: { leadgen_id: '444', page_id: '123', form_id: '555', ad_id: '666', created_time: '1714809600' },
      },
    ]);

    expect(parseLeadgenChanges(asNumbers).changes).toEqual([
      { leadgenId: '444', pageId: '123', formId: '555', adId: '666', createdTime: 1714809600 },
    ]);
    expect(parseLeadgenChanges(asStrings)).toEqual(parseLeadgenChanges(asNumbers));
  });

  it('keeps every digit of an id too large for a JavaScript number', () => {
    const raw = Buffer.from(
      '{"object":"page","entry":[{"changes":[{"field":"leadgen","value":{"leadgen_id":12345678901234567891,"page_id":9007199254740993}}]}]}',
    );

    expect(parseLeadgenChanges(raw).changes).toEqual([
      { leadgenId: '12345678901234567891', pageId: '9007199254740993' },
    ]);
  });

  it('ignores changes that are not leadgen, and entries without changes', () => {
    const raw = body({
      object: 'page',
      entry: [
        { id: '123', time: 1, changes: [{ field: 'feed', value: { item: 'status' } }] },
        { id: '123', time: 1, messaging: [{ text: 'hi' }] },
        { id: '123', time: 1, changes: [{ field: 'leadgen', value: { leadgen_id: 7, page_id: 123 } }] },
      ],
    });

    expect(parseLeadgenChanges(raw).changes).toEqual([{ leadgenId: '7', pageId: '123' }]);
  });

  it('lists a lead announced twice in one delivery once', () => {
    const change = { field: 'leadgen', value: { leadgen_id: 7, page_id: 123 } };

    expect(parseLeadgenChanges(delivery([change, change])).changes).toHaveLength(1);
  });

  it('skips and reports a change it cannot fetch, keeping the delivery’s good leads and dropping bad context', () => {
    const parsed = parseLeadgenChanges(
      delivery([
        { field: 'leadgen', value: { leadgen_id: 'abc', form_id: 5 } },
        { field: 'leadgen', value: { leadgen_id: 8, page_id: -1 } },
        { field: 'leadgen', value: { leadgen_id: 9, page_id: 123, form_id: '', ad_id: 'x' } },
      ]),
    );

    expect(parsed.changes).toEqual([{ leadgenId: '9', pageId: '123' }]);
    expect(parsed.skipped.map((e) => e.field)).toEqual([
      'entry.0.changes.0.value.leadgen_id',
      'entry.0.changes.0.value.page_id',
      'entry.0.changes.1.value.page_id',
    ]);
  });

  it('answers 400 for a body that is not JSON or not a webhook delivery', () => {
    expect(errorsOf(() => parseLeadgenChanges(Buffer.from('{"object":')))).toEqual({
      status: 400,
      errors: [{ field: 'body', message: 'not valid JSON' }],
    });
    expect(errorsOf(() => parseLeadgenChanges(body({ hello: 'world' }))).errors?.map((e) => e.field)).toEqual([
      'object',
      'entry',
    ]);
  });
});
