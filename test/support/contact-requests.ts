/**
 * Requests to the contacts' two functions as API Gateway hands them over: contacts-api, and
 * contact-files for the vCard and photo routes (contacts.module.ts). A file goes as API Gateway
 * passes a body it does not take for text: base64, every byte as sent. Call `load` in `beforeAll`,
 * once the environment the handlers read at import is set (support/aws.ts documentClient()).
 */
import { expect } from 'vitest';
import { apiEvent, lambdaContext } from './events.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read answers of many shapes; the assertions check them
export type Answer = { status: number; headers: Record<string, string>; json: any; raw: string };

export type RequestOptions = {
  path?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  file?: Uint8Array;
  contentType?: string;
  /** the function's time left (Lambda's context) */
  remainingMs?: number;
};

export const contactRequests = (sub: string) => {
  let contactsHandler: typeof import('../../functions/contacts/contacts-api.handler.ts')['handler'];
  let filesHandler: typeof import('../../functions/contacts/contact-files.handler.ts')['handler'];
  let fileRoutes = new Set<string>();

  const send = async (routeKey: string, options: RequestOptions = {}): Promise<Answer> => {
    const event = apiEvent({
      routeKey,
      path: options.path ?? routeKey.split(' ')[1] ?? '/',
      sub,
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      ...(options.query ? { query: options.query } : {}),
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      ...(options.contentType ? { headers: { 'content-type': options.contentType } } : {}),
    });
    if (options.file) {
      Object.assign(event, { body: Buffer.from(options.file).toString('base64'), isBase64Encoded: true });
    }
    const handler = fileRoutes.has(routeKey) ? filesHandler : contactsHandler;
    const res = await handler(event, lambdaContext(options.remainingMs));
    const raw = res.body ? Buffer.from(res.body, res.isBase64Encoded ? 'base64' : 'utf8').toString('utf8') : '';
    const json = res.headers?.['content-type']?.includes('json') && raw ? JSON.parse(raw) : undefined;
    return { status: res.statusCode, headers: res.headers ?? {}, json, raw };
  };

  return {
    async load(): Promise<void> {
      ({ handler: contactsHandler } = await import('../../functions/contacts/contacts-api.handler.ts'));
      ({ handler: filesHandler } = await import('../../functions/contacts/contact-files.handler.ts'));
      fileRoutes = new Set(Object.keys((await import('../../functions/contacts/vcards.routes.ts')).vcardRoutes));
    },
    send,
    /** `POST /v1/contacts/vcards` with the file as its body */
    importFile: (file: Uint8Array, query: Record<string, string> = {}, contentType = 'text/vcard') =>
      send('POST /v1/contacts/vcards', { file, query, contentType }),
    /** a person as `GET /v1/persons/{id}` answers (200 expected) */
    async getPerson(id: string) {
      const res = await send('GET /v1/persons/{id}', { path: `/v1/persons/${id}`, pathParameters: { id } });
      expect(res.status).toBe(200);
      return res.json;
    },
    /** the contact-files function itself, for a request built by hand */
    filesHandler: () => filesHandler,
  };
};
