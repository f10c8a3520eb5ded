/**
 * Route code loaded with a route's first request. An HTTP function's entry holds the router and
 * builds its SDK clients at cold start; each route names the module (a "route group") that serves
 * it, which esbuild bundles as chunks of its own (infra/bundling.ts), loaded once per container.
 * A cold start thus compiles the router, not every route's use cases, schemas and libraries; a
 * request then loads its own route's code, and code several routes share only once.
 *
 * The entry imports its routes file only as a type: each route of the file must name a group, the
 * group must serve it, and a route the file does not declare does not compile.
 */
import type { LazyRoutes, RouteHandler, UserDirectory } from './http-router.ts';

/** A route group: loads its module and gives its route table (the same table every time). */
export type RouteGroup<K extends string> = () => Promise<Record<K, RouteHandler>>;

/**
 * A module's `routes`, imported with the first request of one of them. A failed import is tried
 * again by the next request; that helps when the file could not be read, but a module whose own
 * code threw (a missing setting) keeps failing, as Node keeps its error: such a container answers
 * that group's routes with 500s, where before its cold start failed. The module files' settings
 * are the stack's (infra/cdk/kontakt-function.ts) and `test/infra/bundles.test.ts` loads every chunk
 * with them.
 */
export const routeGroup = <K extends string>(
  load: () => Promise<{ routes: Record<K, RouteHandler> }>,
): RouteGroup<K> => {
  let routes: Promise<Record<K, RouteHandler>> | undefined;
  return () => {
    routes ??= load().then(
      (module) => module.routes,
      (error: unknown) => {
        routes = undefined;
        throw error;
      },
    );
    return routes;
  };
};

/** Every route of a routes file `R` (`typeof inboxRoutes`), with the group that serves it. */
export const lazyRoutes = <R extends object>(groups: { [K in keyof R & string]: RouteGroup<K> }): LazyRoutes => ({
  load: Object.fromEntries(
    Object.entries<RouteGroup<string>>(groups).map(([routeKey, group]) => [
      routeKey,
      async (): Promise<RouteHandler> => {
        const handle = (await group())[routeKey];
        // the compiler holds every group to its routes; this names the module that broke it anyway
        if (!handle) throw new Error(`the route group for ${routeKey} has no handler for it`);
        return handle;
      },
    ]),
  ),
});

/** Kontakt's users, for the router's user routes: the table's users, loaded with the first user route. */
export const tableUserDirectory: UserDirectory = {
  findUser: async (id) => (await import('../users/table-users.ts')).tableUsers.findUser(id),
};
