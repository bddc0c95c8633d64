// Serves the command centre dashboard (一屏统揽) at /dashboard: the page, its script and style, the street's
// grid shapes and ECharts' own dist file from node_modules, so nothing is fetched from a CDN or tile server.
// All of it is public and carries no case data: the page reads the admin API with the token the user types.
import { readFileSync } from 'node:fs';
import { fromProjectRoot } from '../../config/projectRoot';
import type { RouteGroup } from '../http/routers';

const ASSETS: Record<string, { file: string[]; type: string }> = {
  'echarts.min.js': { file: ['node_modules', 'echarts', 'dist', 'echarts.min.js'], type: 'application/javascript; charset=utf-8' },
  'dashboard.js': { file: ['bot', 'dashboard', 'page', 'dashboard.js'], type: 'application/javascript; charset=utf-8' },
  'dashboard.css': { file: ['bot', 'dashboard', 'page', 'dashboard.css'], type: 'text/css; charset=utf-8' },
  // The demo street's grids; a street replaces seeds/street-map.geojson with its own.
  'street-map.geojson': { file: ['seeds', 'street-map.geojson'], type: 'application/geo+json; charset=utf-8' },
};

export function dashboardRoutes(routes: RouteGroup): RouteGroup {
  const html = readFileSync(fromProjectRoot('bot', 'dashboard', 'page', 'index.html'), 'utf8');
  const assets = new Map(Object.entries(ASSETS).map(([name, { file, type }]) => [name, { body: readFileSync(fromProjectRoot(...file)), type }]));
  routes.router.get('/dashboard', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = html;
  });
  routes.router.get('/dashboard/assets/:name', (ctx) => {
    const asset = assets.get(ctx.params.name);
    if (!asset) return; // 404
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = asset.body;
  });
  return routes;
}
