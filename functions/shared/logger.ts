/**
 * Structured JSON logs (Powertools Logger), one logger per container. Each line carries the Lambda
 * context (set by the HTTP and SQS wrappers), the correlation id of the work in hand
 * (shared/correlation.ts) and the API request id where there is one. The level comes from
 * POWERTOOLS_LOG_LEVEL, per stage (`logLevel`). Log lines never carry personal data: ids, counts
 * and codes only (test/e2e/log-privacy.test.ts reads every line of a lead's way at DEBUG).
 */
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { correlationKeys } from './correlation.ts';

/** Powertools' own line, and the correlation id of the work in hand. */
class KontaktLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: attributes.lambdaContext?.coldStart,
        function_name: attributes.lambdaContext?.functionName,
        function_request_id: attributes.lambdaContext?.awsRequestId,
        xray_trace_id: attributes.xRayTraceId,
        ...correlationKeys(),
      },
    }).addAttributes(additional);
  }
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'kontakt',
  logFormatter: new KontaktLogFormatter(),
});

/**
 * What may be logged of an error whose message can name a person (SES's MessageRejected names the
 * recipient): its name and AWS's error code, never its message.
 */
export const errorKind = (error: unknown): { name: string; code?: string } => {
  if (!(error instanceof Error)) return { name: typeof error };
  const code = (error as { Code?: unknown; code?: unknown }).Code ?? (error as { code?: unknown }).code;
  return { name: error.name, ...(typeof code === 'string' ? { code } : {}) };
};
