// The admin token guards every route declared admin, whatever the spelling of the path. The routes come
// from the running app's own routers, so a route added later is walked too.
import { rawRequest } from '../support/rawRequest';
import { startTestBot, type TestBot } from '../support/testRuntime';

const TOKEN = 'a-long-enough-admin-token-123';
/** The routes that are public on purpose. Anything else must be admin. */
// The dashboard's page and assets carry no case data: the page asks the admin API with the token it keeps.
const PUBLIC_ROUTES = ['GET /healthz', 'HEAD /healthz', 'GET /', 'HEAD /', 'GET /dashboard', 'HEAD /dashboard', 'GET /dashboard/assets/:name', 'HEAD /dashboard/assets/:name'];

let bot: TestBot;
beforeAll(async () => {
  bot = await startTestBot({ ADMIN_TOKEN: TOKEN, HOST: '127.0.0.1' });
});
afterAll(() => bot?.stop());

async function send(method: string, path: string, authorization?: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
  const { status, text } = await rawRequest(bot.runtime.url, { method, path, headers, body: ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined });
  return { status, body: text };
}

/** Other spellings of a path: each must match no route, or meet the guard. */
function spellings(path: string): string[] {
  const letters = (fn: (c: string, i: number) => string) => path.replace(/[a-z]/gi, fn);
  const [, first, rest] = /^\/([^/]+)(.*)$/.exec(path)!;
  const encodeFirstLetter = (segment: string) => segment.replace(/[a-z]/i, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return [
    path.toUpperCase(),
    letters((c, i) => (i % 2 ? c.toUpperCase() : c)),
    `/${first.toUpperCase()}${rest}`,
    `/${first[0].toUpperCase()}${first.slice(1)}${rest}`,
    `${path}/`,
    `/${encodeFirstLetter(first)}${rest}`,
    path.replace(/\/([a-z])/gi, (_m, c: string) => `/%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    `/${path}`,
    path.replace(/\//g, '//'),
    `/${first}/${rest}`.replace(/\/\/+$/, '//'),
    `/${first}/.${rest}`,
    `${path}%2f`,
    `${path};`,
  ].filter((variant) => variant !== path);
}

describe('with ADMIN_TOKEN set', () => {
  it('declares every route either public on purpose or admin', () => {
    const publicRoutes = bot.runtime.routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTES].sort());
    expect(bot.runtime.routes.filter((r) => r.access === 'admin').length).toBeGreaterThanOrEqual(10);
  });

  it('answers 401 or 404, never 2xx, on every admin route in every spelling without the right token', async () => {
    const admin = bot.runtime.routes.filter((r) => r.access === 'admin');
    const auths = [undefined, 'Bearer wrong-token-of-some-length', `Bearer ${TOKEN.toUpperCase()}`, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer '];
    let requests = 0;
    for (const route of admin) {
      const path = route.path.replace(/:\w+/g, 'x-sample-id');
      for (const spelling of [path, ...spellings(path)]) {
        for (const authorization of auths) {
          const { status } = await send(route.method, spelling, authorization);
          requests += 1;
          if (![401, 404].includes(status)) throw new Error(`${route.method} ${spelling} with ${authorization ?? 'no token'} answered ${status}`);
        }
        // Methods the route does not have, and OPTIONS, tell nothing without the token either.
        for (const method of ['OPTIONS', 'PUT', 'DELETE', 'PATCH'].filter((m) => m !== route.method)) {
          const { status, body } = await send(method, spelling);
          requests += 1;
          if (![401, 404].includes(status)) throw new Error(`${method} ${spelling} with no token answered ${status}: ${body}`);
        }
        // With the right token, another spelling is still no route at all: there is one spelling of each.
        if (spelling !== path) {
          const { status } = await send(route.method, spelling, `Bearer ${TOKEN}`);
          requests += 1;
          if (status !== 404 && status !== 400) throw new Error(`${route.method} ${spelling} with the token answered ${status}`);
        }
      }
    }
    console.log(`walked ${admin.length} admin routes, ${requests} requests, none answered 2xx without the token`);
  });

  it('serves every admin route with the token at its one spelling', async () => {
    for (const route of bot.runtime.routes.filter((r) => r.access === 'admin')) {
      const { status, body } = await send(route.method, route.path.replace(/:\w+/g, 'x-sample-id'), `Bearer ${TOKEN}`);
      expect([route.method, route.path, status]).not.toEqual([route.method, route.path, 401]);
      expect(body).not.toContain('no route for');
    }
  });

  it('keeps /healthz open for load balancers', async () => {
    expect((await send('GET', '/healthz')).status).toBe(200);
  });
});
