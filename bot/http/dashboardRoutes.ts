// GET /api/dashboard/labels: the Chinese names the dashboard shows in place of codes (posts and categories
// from the taxonomy, grids and communities from the org units), so the page never prints an internal code.
import type { Taxonomy } from '../../seeds/taxonomy';
import type { Database } from '../../storage/database';
import { OrgUnit } from '../../storage/entities';
import type { RouteGroup } from './routers';

export function dashboardApiRoutes(routes: RouteGroup, db: Database, taxonomy: Taxonomy): RouteGroup {
  routes.router.get('/dashboard/labels', async (ctx) => {
    const units = await db.read.find(OrgUnit, { order: { code: 'ASC' } });
    ctx.body = {
      posts: [...taxonomy.posts.values()].map((post) => ({ code: post.code, name: post.name })),
      categories: [...taxonomy.categories.values()].map((category) => ({ code: category.code, name: category.name })),
      orgUnits: units.map((unit) => ({ code: unit.code, name: unit.name, kind: unit.kind, parent: unit.parentCode })),
    };
  });
  return routes;
}
