/** Duplicate protection’s background work: the check worker, the value counters, the sweeper. */
import { companyRecordSortKey } from '../contacts/company.entity.ts';
import { personRecordSortKey } from '../contacts/person.entity.ts';
import { type Consumer, defineModule } from '../shared/module.ts';

/** How the duplicate-check queue retries; the sweeper waits for a message's whole retry window. */
const duplicateCheckConsumer = {
  queue: 'duplicate-check',
  batchSize: 10,
  // six times the worker's timeout
  visibilityTimeoutSeconds: 360,
  maxReceiveCount: 5,
  // the worker takes a batch's records one at a time (a check is about five requests, 30–50 ms in
  // AWS: 20–30 checks/s per instance), so 40 instances keep up with 1,000 leads/s, the intake the
  // key design allows; a burst beyond waits in the queue instead of competing with intake
  maxConcurrency: 40,
  // locally the checks share DynamoDB Local with the requests: one poller, so a burst of leads is
  // stored first and checked after (npm run bench: webform-throughput)
  localPollers: 1,
  // a 100,000-row CSV import queues its checks at once; the worker takes an hour or so for them
  oldestMessageAlarmSeconds: 2 * 3600,
} as const satisfies Consumer;

export default defineModule({
  functions: {
    'duplicate-check-worker': {
      entry: 'duplicate-check-worker.handler.ts',
      description: 'Checks new inbox entries against existing persons',
      // a batch's checks run one after another (about 0.5 s for ten); 60 s leaves room for slow
      // calls (a hung one is given up after about 8 s: functions/shared/client-timeouts.ts)
      timeoutSeconds: 60,
      memoryMb: 512,
      access: { table: 'readWrite' },
      consumes: duplicateCheckConsumer,
    },
    'frequency-counter': {
      entry: 'frequency-counter.handler.ts',
      description:
        'Counts the values of stored persons and companies that weigh duplicate evidence, from the table stream',
      timeoutSeconds: 60,
      memoryMb: 256,
      access: { table: 'readWrite' },
      consumesStream: { records: [personRecordSortKey, companyRecordSortKey], batchSize: 100, maxRetries: 10 },
    },
    'pending-check-sweeper': {
      entry: 'pending-check-sweeper.handler.ts',
      description: 'Re-requests duplicate checks still pending after five minutes',
      timeoutSeconds: 60,
      memoryMb: 256,
      access: { table: 'readWrite', send: ['duplicate-check'] },
      scheduleMinutes: 1,
      environment: {
        PENDING_CHECK_GRACE_SECONDS: '300',
        // a re-requested check gets the queue's whole retry window before it is requested again
        PENDING_CHECK_RESWEEP_SECONDS: String(
          duplicateCheckConsumer.maxReceiveCount * duplicateCheckConsumer.visibilityTimeoutSeconds + 60,
        ),
        // given up after the first request and two re-requests each failed through all their receives
        PENDING_CHECK_MAX_FAILURES: String(3 * duplicateCheckConsumer.maxReceiveCount),
      },
    },
  },
});
