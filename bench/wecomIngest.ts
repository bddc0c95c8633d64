// The WeCom bot's callback URL under load: each request a distinct @-mention, sealed the way WeCom seals it
// (AES, signature over the ciphertext), posted to /wecom/bot/callback. What it costs over the sandbox's plain
// JSON route and the bare Koa server, measured in the same run: verifying, decrypting, storing, sealing the
// passive answer. The answer must come before classification; the pipeline then drains as usual.
import autocannon from 'autocannon';
import { sealReply, type CallbackCredentials } from '../bot/wecom/callbackCrypto';
import type { Load } from './ingest';

/** platforms.md §1.5 Set C's token and key: any valid pair works, the bench only needs WeCom's shapes. */
export const BENCH_BOT: CallbackCredentials = { token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo', encodingAesKey: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt', receiveId: '' };
export const BENCH_CHAT = 'wrBenchResidents';

export const wecomBenchEnv = (apiBase: string) => ({
  WECOM_BOT_MODE: 'callback',
  WECOM_BOT_TOKEN: BENCH_BOT.token,
  WECOM_BOT_AES_KEY: BENCH_BOT.encodingAesKey,
  // Nothing answers there: the receipts wait for a stream poll that never comes, which costs the bench nothing.
  WECOM_API_BASE: apiBase,
});

const SAMPLES = ['3栋外墙瓷砖掉下来了，差点砸到人', '楼道有人飞线给电瓶车充电', '消防通道被私家车堵死了', '井盖不见了，晚上走路很危险'];

export async function loadWecomCallback(url: string, options: { connections: number; seconds: number }): Promise<Load> {
  let n = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = n++;
          const plaintext = JSON.stringify({
            msgid: `bench-${process.pid}-${i}`, aibotid: 'aib-bench', chatid: BENCH_CHAT, chattype: 'group', from: { userid: `resident${i % 50}` },
            msgtype: 'text', text: { content: `@网格助手 ${(i % 40) + 1}栋${SAMPLES[i % SAMPLES.length]}（第${i}号）` },
          });
          const timestamp = String(Math.floor(Date.now() / 1000));
          const nonce = String(i);
          const { encrypt, signature } = sealReply(BENCH_BOT, plaintext, timestamp, nonce);
          return { ...request, path: `/wecom/bot/callback?msg_signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, body: JSON.stringify({ encrypt }) };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, non2xx: result.non2xx };
}
