/** What a queue consumer's handler reads at import about its queues: each one's URL (this file's own queue) and max receive count. */
import { consumerOf, queueMaxReceivesVariable, queueUrlVariable } from '../../infra/manifest.ts';
import { queueUrl } from './aws.ts';

export const useConsumerEnv = (...queues: string[]): void => {
  for (const queue of queues) {
    process.env[queueUrlVariable(queue)] = queueUrl(queue);
    process.env[queueMaxReceivesVariable(queue)] = String(consumerOf(queue)[1].maxReceiveCount);
  }
};
