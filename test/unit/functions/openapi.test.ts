import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../functions/openapi/openapi-document.ts';
import { apiRoutes as deployedRoutes, functionEntries, routeKey } from '../../../infra/manifest.ts';
import { openApiFile, openApiText } from '../../../infra/scripts/openapi.ts';

const apiRoutes = deployedRoutes();

const manifestRoutes = functionEntries()
  .flatMap(([, spec]) => (spec.routes ?? []).map(routeKey))
  .sort();

describe('the OpenAPI description', () => {
  it('has a contract for exactly the routes the manifest deploys', () => {
    expect(Object.keys(apiRoutes).sort()).toEqual(manifestRoutes);
  });

  it('is served as the routes describe it today: docs/openapi.json is up to date (else run npm run openapi)', () => {
    expect(readFileSync(openApiFile, 'utf8')).toBe(openApiText());
  });

  it('describes every route with its parameters, body and answers, generated from the zod schemas', () => {
    const doc = buildOpenApiDocument(apiRoutes);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const patch = doc.paths['/v1/inbox/{id}']?.patch as {
      parameters: { name: string; in: string }[];
      requestBody: {
        content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }>;
      };
      responses: Record<string, unknown>;
      security: unknown[];
    };
    const list = doc.paths['/v1/inbox']?.get as { parameters: { name: string }[] };

    expect(operations.sort()).toEqual(manifestRoutes);
    expect(patch.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
    expect(patch.requestBody.content['application/json']?.schema.required).toContain('version');
    expect(Object.keys(patch.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '422', '503']),
    );
    expect(patch.security).toEqual([{ userToken: [] }]);
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['q', 'limit', 'cursor', 'processingStatus']),
    );
    expect(doc.paths['/v1/webforms/{formKey}/submissions']?.post).toMatchObject({ security: [] });
  });
});

describe('the CORS preflight of the user routes', () => {
  const preflight = async (origin: string) => {
    process.env.ALLOWED_ORIGINS = 'https://crm.example.com';
    try {
      const { handler } = await import('../../../functions/openapi/openapi.handler.ts');
      const { apiEvent, lambdaContext } = await import('../../support/events.ts');
      return await handler(
        apiEvent({
          routeKey: 'OPTIONS /v1/{proxy+}',
          path: '/v1/persons',
          headers: { origin, 'access-control-request-method': 'POST' },
          pathParameters: { proxy: 'persons' },
        }),
        lambdaContext(),
      );
    } finally {
      delete process.env.ALLOWED_ORIGINS;
    }
  };

  it('lets an origin the stage allows call with the API’s methods and headers', async () => {
    const res = await preflight('https://crm.example.com');
    expect(res.statusCode).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': 'https://crm.example.com',
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': 'authorization, content-type, idempotency-key, x-correlation-id',
      vary: 'Origin',
    });
  });

  it('refuses any other origin (403, no CORS headers)', async () => {
    const res = await preflight('https://evil.example');
    expect(res.statusCode).toBe(403);
    expect(res.headers?.['access-control-allow-origin']).toBeUndefined();
  });
});
