// The incident and assignment state machines: which action may move a case from which state.
// Pure functions, so the rules are tested without a database and every refusal carries a reason.

/**
 * new: created, not yet sent to posts; dispatched: cards out, waiting for the lead to accept (接单);
 * accepted: someone owns it; resolved: the lead post says it is done (办结), waiting for the resident's
 * answer; closed: the resident is satisfied, or did not answer in time; returned: 退回 as misrouted, waiting
 * at the dispatcher; merged: a duplicate folded into another case. The level a case is handled at (上报) is
 * a field of its own, so the status always says whether someone owns the case.
 */
export const INCIDENT_STATUSES = ['new', 'dispatched', 'accepted', 'resolved', 'closed', 'returned', 'merged'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** recategorise: 改类 by the dispatcher through the admin API: the case goes to its new category's posts. */
export const INCIDENT_ACTIONS = ['dispatch', 'accept', 'return', 'resolve', 'close', 'reopen', 'merge', 'recategorise'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

const INCIDENT_TRANSITIONS: Record<IncidentStatus, Partial<Record<IncidentAction, IncidentStatus>>> = {
  new: { dispatch: 'dispatched', merge: 'merged' },
  dispatched: { accept: 'accepted', return: 'returned', merge: 'merged', recategorise: 'dispatched' },
  accepted: { resolve: 'resolved', return: 'returned', recategorise: 'dispatched' },
  // The dispatcher either takes a returned case on (接办) or sends it to the right post (改派).
  returned: { accept: 'accepted', dispatch: 'dispatched', merge: 'merged', recategorise: 'dispatched' },
  // The resident answers: 满意 closes; 不满意 or "还是没解决" reopens it with the post that resolved it.
  resolved: { close: 'closed', reopen: 'accepted' },
  // A problem back after closing (电瓶车又推回来了) reopens the same case rather than starting a new one.
  closed: { reopen: 'accepted' },
  merged: {},
};

export type Transition<S> = { allowed: true; to: S } | { allowed: false; reason: string };

export function incidentTransition(from: IncidentStatus, action: IncidentAction): Transition<IncidentStatus> {
  const to = INCIDENT_TRANSITIONS[from][action];
  if (to) return { allowed: true, to };
  const possible = Object.keys(INCIDENT_TRANSITIONS[from]);
  return {
    allowed: false,
    reason: `cannot ${action} a case that is ${from}` + (possible.length ? ` (possible: ${possible.join(', ')})` : ''),
  };
}

/** A case that no card button may change any more. */
export function isFinished(status: IncidentStatus): boolean {
  return status === 'resolved' || status === 'closed' || status === 'merged';
}

/** rerouted: the dispatcher sent the returned case on to another post (改派). */
export type AssignmentStatus = 'pending' | 'accepted' | 'returned' | 'resolved' | 'rerouted';
/** The buttons on a dispatch card: 接单 (接办 on the dispatcher's), 退回, 办结, 改派, 上报. */
export const CARD_ACTIONS = ['accept', 'return', 'resolve', 'reroute', 'escalate'] as const;
export type CardAction = (typeof CARD_ACTIONS)[number];

const ASSIGNMENT_TRANSITIONS: Record<AssignmentStatus, Partial<Record<CardAction, AssignmentStatus>>> = {
  // 上报 raises the case's level and leaves the card as it is, so it is allowed wherever the post still works.
  pending: { accept: 'accepted', return: 'returned', reroute: 'rerouted', escalate: 'pending' },
  // Resolving needs an owner first: the accept time is what "5 minutes to accept" measures.
  accepted: { resolve: 'resolved', return: 'returned', escalate: 'accepted' },
  returned: {},
  resolved: {},
  rerouted: {},
};

/** What a card shows after each button; 上报 changes the level, not the card's state. */
export const CARD_ACTION_RESULT: Record<Exclude<CardAction, 'escalate'>, AssignmentStatus> = {
  accept: 'accepted',
  return: 'returned',
  resolve: 'resolved',
  reroute: 'rerouted',
};

export function assignmentTransition(from: AssignmentStatus, action: CardAction): Transition<AssignmentStatus> {
  const to = ASSIGNMENT_TRANSITIONS[from][action];
  if (to) return { allowed: true, to };
  if (from === 'pending' && action === 'resolve') return { allowed: false, reason: 'accept (接单) the case before resolving it' };
  return { allowed: false, reason: `cannot ${action} a card that is ${from}` };
}

export interface CardRole {
  /** The dispatcher re-routes (改派) or takes on (接办) what others returned; it never returns. */
  isDispatcher: boolean;
  /** Only the lead post escalates, and only while a level above is left. */
  canEscalate: boolean;
}

/** The buttons a card in this state offers to its post. */
export function availableCardActions(status: AssignmentStatus, role: CardRole): CardAction[] {
  return CARD_ACTIONS.filter((action) => {
    if (!ASSIGNMENT_TRANSITIONS[status][action]) return false;
    if (action === 'return') return !role.isDispatcher;
    if (action === 'reroute') return role.isDispatcher;
    // A case returned to the dispatcher is re-routed or taken on first; once taken on it may go up a level.
    if (action === 'escalate') return role.canEscalate && !(role.isDispatcher && status === 'pending');
    return true;
  });
}

/** A click whose result is already the card's state (a double tap, a retried webhook): nothing to do. */
export function isRepeatedAction(status: AssignmentStatus, action: CardAction): boolean {
  return action !== 'escalate' && CARD_ACTION_RESULT[action] === status;
}
