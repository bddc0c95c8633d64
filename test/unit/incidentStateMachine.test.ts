import {
  assignmentTransition, availableCardActions, incidentTransition, INCIDENT_STATUSES, isRepeatedAction,
  type IncidentAction, type IncidentStatus,
} from '../../handlers/incidents/incidentStateMachine';

describe('incident state machine', () => {
  it.each<[IncidentStatus, IncidentAction, IncidentStatus]>([
    ['new', 'dispatch', 'dispatched'],
    ['dispatched', 'accept', 'accepted'],
    ['dispatched', 'return', 'returned'],
    ['accepted', 'resolve', 'resolved'],
    ['accepted', 'return', 'returned'],
    ['returned', 'accept', 'accepted'],
    ['returned', 'dispatch', 'dispatched'],
    ['dispatched', 'escalate', 'escalated'],
    ['escalated', 'accept', 'accepted'],
    ['resolved', 'close', 'closed'],
    ['new', 'merge', 'merged'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(incidentTransition(from, action)).toEqual({ allowed: true, to });
  });

  it.each<[IncidentStatus, IncidentAction]>([
    ['dispatched', 'resolve'],
    ['new', 'accept'],
    ['resolved', 'accept'],
    ['resolved', 'return'],
    ['closed', 'resolve'],
    ['merged', 'accept'],
    ['accepted', 'dispatch'],
  ])('refuses %s --%s--> with a reason', (from, action) => {
    const result = incidentTransition(from, action);
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.reason).toContain(`cannot ${action} a case that is ${from}`);
  });

  it('leaves closed and merged cases with no way out', () => {
    for (const action of ['dispatch', 'accept', 'return', 'resolve', 'close', 'escalate', 'merge'] as const) {
      expect(incidentTransition('closed', action).allowed).toBe(false);
      expect(incidentTransition('merged', action).allowed).toBe(false);
    }
  });

  it('lets every status be reached from new', () => {
    const reached = new Set<IncidentStatus>(['new']);
    const actions = ['dispatch', 'accept', 'return', 'resolve', 'close', 'escalate', 'merge'] as const;
    for (let round = 0; round < 5; round++) {
      for (const from of [...reached]) for (const action of actions) {
        const step = incidentTransition(from, action);
        if (step.allowed) reached.add(step.to);
      }
    }
    expect([...reached].sort()).toEqual([...INCIDENT_STATUSES].sort());
  });
});

describe('card (assignment) state machine', () => {
  it('needs an accept before a resolve, and says so', () => {
    expect(assignmentTransition('pending', 'resolve')).toEqual({ allowed: false, reason: 'accept (接单) the case before resolving it' });
    expect(assignmentTransition('pending', 'accept')).toEqual({ allowed: true, to: 'accepted' });
    expect(assignmentTransition('accepted', 'resolve')).toEqual({ allowed: true, to: 'resolved' });
  });

  it('treats a click that repeats the current state as a repeat, not a change', () => {
    expect(isRepeatedAction('accepted', 'accept')).toBe(true);
    expect(isRepeatedAction('resolved', 'resolve')).toBe(true);
    expect(isRepeatedAction('pending', 'accept')).toBe(false);
  });

  it('offers only the buttons the state allows; the dispatcher has no return', () => {
    expect(availableCardActions('pending', { canReturn: true })).toEqual(['accept', 'return']);
    expect(availableCardActions('accepted', { canReturn: true })).toEqual(['return', 'resolve']);
    expect(availableCardActions('pending', { canReturn: false })).toEqual(['accept']);
    expect(availableCardActions('resolved', { canReturn: true })).toEqual([]);
    expect(availableCardActions('returned', { canReturn: true })).toEqual([]);
  });
});
