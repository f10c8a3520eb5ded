// Business metrics as CloudWatch embedded metric format: one JSON line per data point on stdout,
// in the Kontakt namespace, with the service and the given dimensions, and nothing when there is
// nothing to count.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countMetric, metricNames } from '../../../functions/shared/metrics.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** What Powertools wrote to stdout while `run` ran, each line parsed. */
const emitted = (run: () => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    run();
  } finally {
    write.mockRestore();
    log.mockRestore();
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
};

describe('a business metric', () => {
  it('is one EMF line: Kontakt namespace, the service and its dimensions, the count', () => {
    const [line, ...others] = emitted(() => countMetric(metricNames.leadsAccepted, 1, { channel: 'webform' }));

    expect(others).toEqual([]);
    expect(line).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'Kontakt',
            Dimensions: [expect.arrayContaining(['service', 'channel'])],
            Metrics: [{ Name: 'LeadsAccepted', Unit: 'Count' }],
          },
        ],
      },
      service: 'kontakt',
      channel: 'webform',
      LeadsAccepted: 1,
    });
  });

  it('writes nothing for nothing counted', () => {
    expect(emitted(() => countMetric(metricNames.leadsAccepted, 0, { channel: 'csv' }))).toEqual([]);
  });
});
