// The redrive safety check refuses queue settings under which Lambda would run a record twice at once or dead-letter it too soon.
import { describe, expect, it } from 'vitest';
import { assertSafeRedrive } from '../../infra/cdk/kontakt-queues.ts';

describe('assertSafeRedrive', () => {
  it('accepts a visibility timeout of six times the consumer timeout and five receives', () => {
    expect(() => assertSafeRedrive('duplicate-check', 120, 20, 5)).not.toThrow();
  });

  it('refuses a visibility timeout below six times the consumer timeout', () => {
    expect(() => assertSafeRedrive('duplicate-check', 119, 20, 5)).toThrow(
      "queue duplicate-check: visibility timeout 119s is below 6× its consumer's timeout (120s)",
    );
  });

  it('refuses fewer than five receives before the dead-letter queue', () => {
    expect(() => assertSafeRedrive('inbound-email', 360, 60, 4)).toThrow(
      'queue inbound-email: maxReceiveCount 4 is below 5',
    );
  });
});
