// Device alarms (智能预警): POST /api/alarms, open to devices (they hold no admin token) but signed by their
// source (X-Signature: sha256=<HMAC of the raw body>, secrets in ALARM_SECRETS), checked before anything else;
// and the dashboard's GET /api/alarms/sources, behind the admin token.
import type { Context } from 'koa';
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { loadAlarmKinds } from '../../handlers/alarms/alarmKinds';
import { checkAlarmSignature } from '../../handlers/alarms/alarmSignature';
import { receiveAlarm } from '../../handlers/alarms/receiveAlarm';
import { summariseAlarmSources } from '../../handlers/alarms/alarmSources';
import { CallbackRefused, readRawBody } from './callbackBody';
import type { Routers, RouteGroup } from './routers';
import { parseInput } from './validate';

/** An alarm is a few hundred bytes. */
const ALARM_BODY_LIMIT = 16 * 1024;

const alarmSchema = z.object({
  source: z.string().min(1).max(64),
  deviceId: z.string().regex(/^[\w.:-]{1,64}$/, 'must be 1–64 letters, digits, dots, colons, dashes or underscores'),
  kind: z.string().min(1).max(32),
  value: z.number().finite(),
  threshold: z.number().finite(),
  place: z.string().trim().min(1, 'must name where the device is').max(100),
  at: z.iso.datetime({ offset: true }),
});

export function alarmRoutes(routers: Routers, context: HandlerContext, secrets: ReadonlyMap<string, string>): RouteGroup[] {
  // Read at start-up: a kind naming a category the taxonomy lacks stops the start.
  const kinds = loadAlarmKinds(context.taxonomy);
  const dashboard = routers.admin('/api');
  dashboard.router.get('/alarms/sources', async (ctx: Context) => {
    ctx.body = await summariseAlarmSources(context.db.read, [...secrets.keys()]);
  });
  // Like a platform's webhook, served only when configured: with no source, no alarm could pass anyway.
  if (secrets.size === 0) return [dashboard];
  const devices = routers.public('/api');
  devices.router.post('/alarms', async (ctx: Context) => {
    try {
      const raw = await readRawBody(ctx, ALARM_BODY_LIMIT);
      const signature = checkAlarmSignature(secrets, raw, ctx.get('x-signature') || undefined);
      if ('refused' in signature) throw new CallbackRefused(401, signature.refused);
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        throw new CallbackRefused(400, 'body is not JSON');
      }
      const claimed = (body as { source?: unknown } | null)?.source;
      if (claimed !== signature.signedBy) throw new CallbackRefused(401, `signed by source ${signature.signedBy}, but the body names another source`);
      const alarm = parseInput(alarmSchema, body, 'alarm');
      const result = await receiveAlarm(alarm, kinds, context);
      ctx.status = result.outcome === 'opened' ? 201 : 200;
      ctx.body = result;
    } catch (error) {
      if (!(error instanceof CallbackRefused)) throw error;
      context.log.warn({ reason: error.message, status: error.status }, 'alarm refused');
      if (error.status === 413) ctx.set('Connection', 'close');
      ctx.status = error.status;
      ctx.body = { error: error.message };
    }
  });
  return [dashboard, devices];
}
