// The incident and assignment state machines: which action may move a case from which state.
// Pure functions, so the rules are tested without a database and every refusal carries a reason.

/**
 * new: created, not yet sent to posts; dispatched: cards out, waiting for the lead to accept (接单);
 * accepted: someone owns it; resolved: the lead post says it is done (办结); closed: confirmed at the
 * closing level; returned: 退回 as misrouted, waiting at the dispatcher; escalated: overdue, pushed up
 * a level; merged: a duplicate folded into another case.
 */
export const INCIDENT_STATUSES = [
  'new', 'dispatched', 'accepted', 'resolved', 'closed', 'returned', 'escalated', 'merged',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export type IncidentAction = 'dispatch' | 'accept' | 'return' | 'resolve' | 'close' | 'escalate' | 'merge';

const INCIDENT_TRANSITIONS: Record<IncidentStatus, Partial<Record<IncidentAction, IncidentStatus>>> = {
  new: { dispatch: 'dispatched', merge: 'merged' },
  dispatched: { accept: 'accepted', return: 'returned', escalate: 'escalated', merge: 'merged' },
  accepted: { resolve: 'resolved', return: 'returned', escalate: 'escalated' },
  // The dispatcher either takes a returned case on or sends it to the right post.
  returned: { accept: 'accepted', dispatch: 'dispatched', merge: 'merged' },
  escalated: { accept: 'accepted', dispatch: 'dispatched', resolve: 'resolved', merge: 'merged' },
  resolved: { close: 'closed' },
  closed: {},
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

export type AssignmentStatus = 'pending' | 'accepted' | 'returned' | 'resolved';
/** The buttons on a dispatch card: 接单, 退回, 办结. */
export type CardAction = 'accept' | 'return' | 'resolve';
export const CARD_ACTIONS: readonly CardAction[] = ['accept', 'return', 'resolve'];

const ASSIGNMENT_TRANSITIONS: Record<AssignmentStatus, Partial<Record<CardAction, AssignmentStatus>>> = {
  pending: { accept: 'accepted', return: 'returned' },
  // Resolving needs an owner first: the accept time is what "5 minutes to accept" measures.
  accepted: { resolve: 'resolved', return: 'returned' },
  returned: {},
  resolved: {},
};

export const CARD_ACTION_RESULT: Record<CardAction, AssignmentStatus> = {
  accept: 'accepted',
  return: 'returned',
  resolve: 'resolved',
};

export function assignmentTransition(from: AssignmentStatus, action: CardAction): Transition<AssignmentStatus> {
  const to = ASSIGNMENT_TRANSITIONS[from][action];
  if (to) return { allowed: true, to };
  if (from === 'pending' && action === 'resolve') return { allowed: false, reason: 'accept (接单) the case before resolving it' };
  return { allowed: false, reason: `cannot ${action} a card that is ${from}` };
}

/** The buttons a card in this state offers. */
export function availableCardActions(status: AssignmentStatus, options: { canReturn: boolean }): CardAction[] {
  return CARD_ACTIONS.filter((action) => ASSIGNMENT_TRANSITIONS[status][action] && (action !== 'return' || options.canReturn));
}

/** A click whose result is already the card's state (a double tap, a retried webhook): nothing to do. */
export function isRepeatedAction(status: AssignmentStatus, action: CardAction): boolean {
  return CARD_ACTION_RESULT[action] === status;
}
