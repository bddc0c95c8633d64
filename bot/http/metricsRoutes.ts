// GET /metrics for Prometheus. Behind the admin token when one is set (scrape with a bearer token).
import type { Registry } from 'prom-client';
import type { RouteGroup } from './routers';

export function metricsRoutes(routes: RouteGroup, registry: Registry): RouteGroup {
  routes.router.get('/metrics', async (ctx) => {
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return routes;
}
