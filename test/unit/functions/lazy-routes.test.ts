// Route code loaded with a route's first request (functions/shared/lazy-routes.ts): loaded once per
// container, not for unknown routes or for writes the edge check refuses, and tried again after a failed load.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpRouter } from '../../../functions/shared/aws-http.ts';
import { route } from '../../../functions/shared/http.ts';
import { lazyRoutes, routeGroup } from '../../../functions/shared/lazy-routes.ts';
import { apiEvent, lambdaContext } from '../../support/events.ts';

type Routes = { 'GET /v1/things': unknown; 'POST /v1/things': unknown };

const group = () => ({
  routes: {
    'GET /v1/things': route({ summary: 'list', auth: 'public' }, async () => ({ status: 200, body: { items: [] } })),
    'POST /v1/things': route({ summary: 'create', auth: 'public' }, async () => ({ status: 201, body: '{}' })),
  },
});

const routerWith = (load: () => Promise<ReturnType<typeof group>>) => {
  const things = routeGroup(load);
  return httpRouter(lazyRoutes<Routes>({ 'GET /v1/things': things, 'POST /v1/things': things }), {
    findUser: async () => null,
  });
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('lazily loaded routes', () => {
  it('load their group with the first request of one of them, once for all its routes', async () => {
    const load = vi.fn(async () => group());
    const handler = routerWith(load);

    const list = await handler(apiEvent({ routeKey: 'GET /v1/things' }), lambdaContext());
    const create = await handler(apiEvent({ routeKey: 'POST /v1/things', body: '{}' }), lambdaContext());

    expect([list.statusCode, create.statusCode]).toEqual([200, 201]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('answer a route the function does not serve with 404 without loading anything', async () => {
    const load = vi.fn(async () => group());

    const response = await routerWith(load)(apiEvent({ routeKey: 'GET /v1/other' }), lambdaContext());

    expect(response.statusCode).toBe(404);
    expect(load).not.toHaveBeenCalled();
  });

  it('refuse a write that did not come through the edge before its code loads', async () => {
    vi.stubEnv('ORIGIN_SECRET', 'edge-secret');
    const load = vi.fn(async () => group());

    const response = await routerWith(load)(apiEvent({ routeKey: 'POST /v1/things', body: '{}' }), lambdaContext());

    expect(response.statusCode).toBe(403);
    expect(load).not.toHaveBeenCalled();
  });

  it('answer a failed load with a 500 and try it again with the next request', async () => {
    const load = vi
      .fn<() => Promise<ReturnType<typeof group>>>()
      .mockRejectedValueOnce(new Error('the chunk could not be read'))
      .mockImplementation(async () => group());
    const handler = routerWith(load);

    const failed = await handler(apiEvent({ routeKey: 'GET /v1/things' }), lambdaContext());
    const next = await handler(apiEvent({ routeKey: 'GET /v1/things' }), lambdaContext());

    expect([failed.statusCode, next.statusCode]).toEqual([500, 200]);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
