// How failures become answers: an unreachable database is 503 with Retry-After (a platform retries, nothing
// was accepted), anything unexpected 500 without internals.
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { errorResponses } from '../../bot/http/errors';

async function answerTo(error: Error) {
  const app = new Koa();
  app.use(errorResponses(pino({ level: 'silent' })));
  app.use(() => {
    throw error;
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  } finally {
    server.close();
  }
}

it('answers 503 with Retry-After when the database cannot be reached', async () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
  expect(await answerTo(refused)).toEqual({ status: 503, retryAfter: '5', body: { error: 'the database is unavailable; try again shortly' } });
  const lost = Object.assign(new Error('Connection lost: The server closed the connection.'), { name: 'QueryFailedError', driverError: { code: 'PROTOCOL_CONNECTION_LOST' } });
  expect((await answerTo(lost)).status).toBe(503);
});

it('answers 500 without internals for anything else', async () => {
  const answer = await answerTo(new Error('secret detail'));
  expect(answer.status).toBe(500);
  expect(JSON.stringify(answer.body)).not.toContain('secret');
});
