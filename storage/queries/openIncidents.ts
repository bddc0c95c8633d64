// Open cases by deadline: what the service-level sweeps act on. Served by ix_incidents_status_accept_by /
// ix_incidents_status_resolve_by, so the cost follows the open cases, not the whole history.
import { In, LessThan } from 'typeorm';
import type { Reader } from '../database';
import { Incident } from '../entities';

/** Waiting for someone to accept: dispatched, returned to the dispatcher, or escalated. */
export const AWAITING_ACCEPT: Incident['status'][] = ['dispatched', 'returned', 'escalated'];

export function openIncidentsPastAcceptDeadline(reader: Reader, now: Date, limit = 500): Promise<Incident[]> {
  return reader.find(Incident, { where: { status: In(AWAITING_ACCEPT), acceptBy: LessThan(now) }, order: { acceptBy: 'ASC' }, take: limit });
}
