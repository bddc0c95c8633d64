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

export function serviceDeadlines(category: Pick<Category, 'accept_min' | 'resolve_h'>, urgency: Urgency, from: Date): ServiceDeadlines {
  const caps = URGENCY_CAPS[urgency];
  const acceptMin = Math.min(category.accept_min, caps.acceptMin);
  const resolveH = Math.min(category.resolve_h, caps.resolveH);
  return {
    acceptBy: new Date(from.getTime() + acceptMin * MINUTE),
    arriveBy: caps.arriveMin === null ? null : new Date(from.getTime() + caps.arriveMin * MINUTE),
    resolveBy: new Date(from.getTime() + resolveH * HOUR),
  };
}
