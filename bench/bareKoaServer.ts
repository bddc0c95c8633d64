// The ceiling for ingest: a Koa server that only parses the JSON body and answers 202, run as its own
// process by the bench so that the load generator does not share its event loop.
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';

const app = new Koa();
app.use(bodyParser({ enableTypes: ['json'] }));
app.use((ctx) => {
  ctx.status = 202;
  ctx.body = { ok: true };
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`bare koa listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
