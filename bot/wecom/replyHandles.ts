// The opaque handles the WeCom adapter gives handlers and gets back: how to answer a bot message (its
// one-shot response_url, and whether WeCom is polling a stream for the answer), and how to update a card
// (its task_id and the single-use ResponseCode from the send or the latest click). Stored as short JSON.
export interface MessageHandle {
  /** The bot's response_url: usable once, for an hour. */
  responseUrl: string | null;
  /** true when the first answer opened a stream that WeCom polls for the receipt (callback mode). */
  stream: boolean;
}

export interface CardHandle {
  taskId: string;
  /** Unspent ResponseCode, or null once used. */
  responseCode: string | null;
  /** A click over the bot's long connection: its frame, answerable with the card update for 5 seconds. */
  frame?: { reqId: string; at: number } | null;
}

export function messageHandle(handle: MessageHandle): string {
  return JSON.stringify({ u: handle.responseUrl, s: handle.stream ? 1 : 0 });
}

export function readMessageHandle(ref: string | null | undefined): MessageHandle | null {
  const parsed = parse(ref) as { u?: unknown; s?: unknown } | null;
  if (!parsed) return null;
  return { responseUrl: typeof parsed.u === 'string' ? parsed.u : null, stream: parsed.s === 1 };
}

export function cardHandle(handle: CardHandle): string {
  return JSON.stringify({ t: handle.taskId, c: handle.responseCode, ...(handle.frame ? { f: handle.frame.reqId, a: handle.frame.at } : {}) });
}

export function readCardHandle(ref: string | null | undefined): CardHandle | null {
  const parsed = parse(ref) as { t?: unknown; c?: unknown; f?: unknown; a?: unknown } | null;
  if (!parsed || typeof parsed.t !== 'string') return null;
  const frame = typeof parsed.f === 'string' && typeof parsed.a === 'number' ? { reqId: parsed.f, at: parsed.a } : null;
  return { taskId: parsed.t, responseCode: typeof parsed.c === 'string' ? parsed.c : null, frame };
}

function parse(ref: string | null | undefined): unknown {
  if (!ref || !ref.startsWith('{')) return null;
  try {
    return JSON.parse(ref);
  } catch {
    return null;
  }
}
