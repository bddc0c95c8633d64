// Service-level deadlines: the taxonomy's limits per category, tightened by urgency. "5 minutes to accept,
// 30 minutes on site, 24-hour closure" are the critical promises; a higher urgency never lengthens a limit.
import type { Category, Urgency } from '../../seeds/taxonomy';

export interface ServiceDeadlines {
  acceptBy: Date;
  /** Only critical cases promise arrival on site. */
  arriveBy: Date | null;
  resolveBy: Date;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The tightest limits each urgency allows (minutes to accept, minutes to arrive, hours to resolve). */
export const URGENCY_CAPS: Record<Urgency, { acceptMin: number; arriveMin: number | null; resolveH: number }> = {
  critical: { acceptMin: 5, arriveMin: 30, resolveH: 24 },
  high: { acceptMin: 10, arriveMin: null, resolveH: Infinity },
  normal: { acceptMin: Infinity, arriveMin: null, resolveH: Infinity },
};

/** `scale` multiplies every limit (SLA_SCALE): 0.01 turns 5 minutes into 3 seconds, for demos and checks. */
export function serviceDeadlines(category: Pick<Category, 'accept_min' | 'resolve_h'>, urgency: Urgency, from: Date, scale = 1): ServiceDeadlines {
  const caps = URGENCY_CAPS[urgency];
  const acceptMin = Math.min(category.accept_min, caps.acceptMin);
  const resolveH = Math.min(category.resolve_h, caps.resolveH);
  const after = (ms: number) => new Date(from.getTime() + Math.round(ms * scale));
  return {
    acceptBy: after(acceptMin * MINUTE),
    arriveBy: caps.arriveMin === null ? null : after(caps.arriveMin * MINUTE),
    resolveBy: after(resolveH * HOUR),
  };
}
