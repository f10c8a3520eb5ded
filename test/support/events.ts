/** Factories for the events Lambda hands to handlers: API Gateway payload 2.0 and SQS batches. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
import type { HttpRequest } from '../../functions/shared/http.ts';

export type ApiEventInput = {
  routeKey: string;
  path?: string;
  body?: string;
  base64?: boolean;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  sub?: string;
};

export const apiEvent = (input: ApiEventInput): APIGatewayProxyEventV2 => {
  const [method = 'GET', routePath = '/'] = input.routeKey.split(' ');
  const path = input.path ?? routePath;
  return {
    version: '2.0',
    routeKey: input.routeKey,
    rawPath: path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...input.headers },
    ...(input.query ? { queryStringParameters: input.query } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.local',
      domainPrefix: 'test',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: input.routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(input.sub ? { authorizer: { jwt: { claims: { sub: input.sub }, scopes: null } } } : {}),
    },
    ...(input.body === undefined
      ? {}
      : { body: input.base64 ? Buffer.from(input.body).toString('base64') : input.body }),
    isBase64Encoded: input.base64 ?? false,
  };
};

export const sqsEvent = (bodies: { id: string; body: string; receiveCount?: number }[]): SQSEvent => ({
  Records: bodies.map(({ id, body, receiveCount }) => ({
    messageId: id,
    receiptHandle: `handle-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:test',
    awsRegion: 'eu-west-1',
  })),
});

/**
 * A Lambda context with the function's 10 s left, or `remainingMs`: a test that sends a burst of
 * requests into one process (in AWS each has a container and 10 s of its own) gives each more. The
 * time left counts down from the context's creation, as Lambda's does.
 */
export const lambdaContext = (remainingMs = 10_000): Context => {
  const deadline = Date.now() + remainingMs;
  return context(() => deadline - Date.now());
};

const context = (remaining: () => number): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:test',
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/test',
  logStreamName: 'test',
  getRemainingTimeInMillis: remaining,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** The request the web form's submission use case gets for a JSON post to the demo form. */
export const webformSubmission = (
  body: Record<string, string>,
  headers: Record<string, string> = {},
): HttpRequest<Record<string, string>, { formKey: string }, undefined> => ({
  body,
  bodyKind: 'json',
  path: { formKey: 'demo' },
  query: undefined,
  user: null,
  headers,
  event: apiEvent({ routeKey: 'POST /v1/webforms/{formKey}/submissions' }),
  requestId: randomUUID(),
});
