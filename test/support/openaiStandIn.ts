// A stand-in for an OpenAI-compatible chat completions server (DeepSeek, Qwen, Ollama, vLLM): a real HTTP server on
// 127.0.0.1 answering POST /v1/chat/completions in the OpenAI response shape, scripted by the test, recording every
// request body so a test can assert on exactly what left the machine.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer: a JSON object as the message content, raw content, an HTTP error, or either after a delay. */
export type StandInAnswer =
  | { json: object }
  | { raw: string }
  | { status: number; body?: unknown }
  | { delayMs: number; then: StandInAnswer };

export interface ChatRequestBody {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: { type: string };
  temperature?: number;
  [key: string]: unknown;
}

export interface RecordedChatRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The body as sent, byte for byte (decoded as UTF-8). */
  raw: string;
  /** Parsed JSON, or null when it was not JSON. */
  body: ChatRequestBody | null;
  at: number;
}

export type Answerer = (request: RecordedChatRequest) => StandInAnswer;

export interface OpenAiStandIn {
  /** The base URL the SDK takes: `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  apiKey: string;
  requests: RecordedChatRequest[];
  /** Queues answers for the next requests, in order; once used up the default answerer takes over. */
  answerNext(...answers: StandInAnswer[]): void;
  /** Replaces the default answerer. */
  answerWith(answerer: Answerer): void;
  close(): Promise<void>;
}

/** The resident's text from the last user message (`{"message": …}`), or '' when the request is not shaped so. */
export function residentText(request: RecordedChatRequest): string {
  const last = request.body?.messages?.at(-1);
  if (!last || last.role !== 'user') return '';
  try {
    const parsed = JSON.parse(last.content) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : '';
  } catch {
    return '';
  }
}

const KEYWORDS: { words: RegExp; category: string; urgency: 'critical' | 'high' | 'normal' | null }[] = [
  { words: /煤气|燃气|着火|冒烟|明火/u, category: 'fire_gas_emergency', urgency: 'critical' },
  { words: /飞线|电瓶车|消防通道/u, category: 'fire_hazard', urgency: 'high' },
  { words: /井盖|路灯|坑/u, category: 'municipal_facility', urgency: 'normal' },
  { words: /垃圾/u, category: 'sanitation', urgency: 'normal' },
  { words: /噪音|坝坝舞|广场舞|吵/u, category: 'noise', urgency: 'normal' },
  { words: /停水|停电/u, category: 'utilities', urgency: 'normal' },
  { words: /骗|转账|安全账户/u, category: 'fraud_report', urgency: 'high' },
  { words: /请问|咨询|怎么办理/u, category: 'consult', urgency: null },
];

/** Derives a plausible answer from keywords in the resident's text, so tests that do not script every call still work. */
export const keywordAnswerer: Answerer = (request) => {
  const text = residentText(request);
  const hit = KEYWORDS.find((k) => k.words.test(text));
  const place = /[\dA-Za-z一二三四五六七八九十]+栋(?:[\d一二三四五六七八九十]+单元)?/u.exec(text)?.[0] ?? null;
  return {
    json: {
      category: hit?.category ?? 'chat',
      urgency: hit ? hit.urgency : null,
      confidence: hit ? 0.9 : 0.6,
      summary: [...text].slice(0, 20).join('') || '空消息',
      place,
    },
  };
};

export async function startOpenAiStandIn(options: { apiKey?: string; answerer?: Answerer } = {}): Promise<OpenAiStandIn> {
  const apiKey = options.apiKey ?? 'sk-standin';
  const requests: RecordedChatRequest[] = [];
  const queue: StandInAnswer[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let answerer = options.answerer ?? keywordAnswerer;
  let counter = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody | null = null;
      try {
        body = JSON.parse(raw) as ChatRequestBody;
      } catch {
        body = null;
      }
      const path = (req.url ?? '/').split('?')[0]!;
      const recorded: RecordedChatRequest = { method: req.method ?? 'GET', path, authorization: req.headers.authorization, raw, body, at: Date.now() };
      requests.push(recorded);
      if (recorded.method !== 'POST' || path !== '/v1/chat/completions') {
        return sendJson(res, 404, { error: { message: `no route ${recorded.method} ${path}`, type: 'invalid_request_error' } });
      }
      if (recorded.authorization !== `Bearer ${apiKey}`) {
        return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
      }
      if (!body || !Array.isArray(body.messages) || typeof body.model !== 'string') {
        return sendJson(res, 400, { error: { message: 'model and messages are required', type: 'invalid_request_error' } });
      }
      play(queue.shift() ?? answerer(recorded), res, body.model);
    });
  });

  function play(answer: StandInAnswer, res: http.ServerResponse, model: string): void {
    if ('delayMs' in answer) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        // The client may have given up and closed the socket meanwhile.
        if (!res.destroyed) play(answer.then, res, model);
      }, answer.delayMs);
      timers.add(timer);
      return;
    }
    if ('status' in answer) {
      const body = answer.body ?? { error: { message: answer.status === 429 ? 'Rate limit reached for requests' : 'The server had an error while processing your request', type: answer.status === 429 ? 'rate_limit_error' : 'server_error' } };
      return sendJson(res, answer.status, body, answer.status === 429 ? { 'retry-after': '1' } : {});
    }
    const content = 'json' in answer ? JSON.stringify(answer.json) : answer.raw;
    counter += 1;
    sendJson(res, 200, {
      id: `chatcmpl-standin-${counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 100, completion_tokens: 30, total_tokens: 130 },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    answerNext: (...answers) => queue.push(...answers),
    answerWith: (next) => {
      answerer = next;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
