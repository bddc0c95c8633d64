// Every router of the app is made here, so each route has one spelling and its access policy is attached
// where it is declared, not guessed from a path string: routing is case-sensitive and strict (no trailing
// slash variant), and an admin router runs the admin-token check, then JSON body parsing, before any of its
// routes. GET /API/incidents or /api/incidents/ simply match nothing (404).
import Router from 'koa-router';
import { requireBearer } from './auth';
import { jsonBody } from './jsonBody';

export type RouteAccess = 'public' | 'admin';

/** A router with its declared access, as the app mounts it and the route-walking test reads it. */
export interface RouteGroup {
  router: Router;
  access: RouteAccess;
}

export interface Routers {
  /**
   * Behind ADMIN_TOKEN (when set), with JSON bodies: the admin API, the sandbox. `jsonLimit` raises the body
   * size for the routes of this router only (the sandbox's posts with photos); the token is checked first.
   */
  admin(prefix: string, options?: { jsonLimit?: string }): RouteGroup;
  /** Open: health, the sandbox page. Platform webhooks are public too and verify their signature instead. */
  public(prefix?: string): RouteGroup;
}

export function routers(adminToken: string | undefined): Routers {
  const guard = requireBearer(adminToken);
  const make = (prefix: string | undefined) => new Router({ prefix, sensitive: true, strict: true });
  return {
    admin(prefix, options = {}) {
      const router = make(prefix);
      router.use(guard, jsonBody(options.jsonLimit));
      return { router, access: 'admin' };
    },
    public(prefix) {
      return { router: make(prefix), access: 'public' };
    },
  };
}

export interface RouteInfo {
  method: string;
  path: string;
  access: RouteAccess;
}

/** Every route the app serves, each method (HEAD included: koa-router adds it to GET), with its access. */
export function listRoutes(groups: RouteGroup[]): RouteInfo[] {
  return groups.flatMap(({ router, access }) =>
    router.stack
      .filter((layer) => layer.methods.length > 0)
      .flatMap((layer) => layer.methods.map((method) => ({ method, path: layer.path, access }))),
  );
}
