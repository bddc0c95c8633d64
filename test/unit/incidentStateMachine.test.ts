import {
  assignmentTransition, availableCardActions, incidentTransition, INCIDENT_ACTIONS, INCIDENT_STATUSES, isRepeatedAction,
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
    ['resolved', 'close', 'closed'],
    ['resolved', 'reopen', 'accepted'],
    ['closed', 'reopen', 'accepted'],
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
    ['accepted', 'reopen'],
    ['dispatched', 'close'],
  ])('refuses %s --%s--> with a reason', (from, action) => {
    const result = incidentTransition(from, action);
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.reason).toContain(`cannot ${action} a case that is ${from}`);
  });

  it('leaves a merged case with no way out, and a closed one only to be reopened', () => {
    for (const action of INCIDENT_ACTIONS) {
      expect(incidentTransition('closed', action).allowed).toBe(action === 'reopen');
      expect(incidentTransition('merged', action).allowed).toBe(false);
    }
  });

  it('lets every status be reached from new', () => {
    const reached = new Set<IncidentStatus>(['new']);
    const actions = INCIDENT_ACTIONS;
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

  it('offers only the buttons the state allows: the dispatcher re-routes instead of returning, only a lead with a level above escalates', () => {
    const post = { isDispatcher: false, canEscalate: false };
    expect(availableCardActions('pending', post)).toEqual(['accept', 'return']);
    expect(availableCardActions('accepted', post)).toEqual(['return', 'resolve']);
    expect(availableCardActions('accepted', { ...post, canEscalate: true })).toEqual(['return', 'resolve', 'escalate']);
    expect(availableCardActions('pending', { isDispatcher: true, canEscalate: false })).toEqual(['accept', 'reroute']);
    expect(availableCardActions('resolved', post)).toEqual([]);
    expect(availableCardActions('returned', post)).toEqual([]);
    expect(availableCardActions('rerouted', { isDispatcher: true, canEscalate: true })).toEqual([]);
  });

  it('takes 上报 as a change of level that leaves the card as it is, never as a repeat', () => {
    expect(assignmentTransition('accepted', 'escalate')).toEqual({ allowed: true, to: 'accepted' });
    expect(isRepeatedAction('accepted', 'escalate')).toBe(false);
    expect(assignmentTransition('resolved', 'escalate').allowed).toBe(false);
  });
});
