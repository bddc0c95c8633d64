// One tick of the service-level clock (SWEEP_CRON): each sweep takes its own steps exactly once, so ticks
// may overlap, run on several schedulers or be missed; a missed one is made up by the next.
import type { HandlerContext } from '../context';
import { closeUnansweredCases } from './autoClose';
import { sweepAcceptDeadlines, type StepTaken } from './sweepAcceptDeadlines';
import { sweepResolveDeadlines } from './sweepResolveDeadlines';
import { sweepOverdueVisitTasks, type VisitStepTaken } from '../fraud/visitTaskClock';

export interface ClockTick {
  steps: StepTaken[];
  closed: string[];
  /** 上门 tasks past their by-when: reminded in the riders' group, told to the police group. */
  visits: VisitStepTaken[];
}

export async function runServiceClock(context: HandlerContext): Promise<ClockTick> {
  const steps = [...(await sweepAcceptDeadlines(context)), ...(await sweepResolveDeadlines(context))];
  const closed = await closeUnansweredCases(context);
  const visits = await sweepOverdueVisitTasks(context);
  return { steps, closed, visits };
}
