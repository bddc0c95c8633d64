import { serviceDeadlines } from '../../handlers/incidents/deadlines';
import { loadTaxonomy } from '../../seeds/taxonomy';

const taxonomy = loadTaxonomy();
const at = new Date('2026-11-24T01:00:00.000Z');
const minutesAfter = (date: Date | null) => (date!.getTime() - at.getTime()) / 60_000;

describe('service deadlines', () => {
  it('take the category limits from the taxonomy', () => {
    const noise = taxonomy.category('noise');
    const d = serviceDeadlines(noise, 'normal', at);
    expect(minutesAfter(d.acceptBy)).toBe(noise.accept_min);
    expect(minutesAfter(d.resolveBy)).toBe(noise.resolve_h * 60);
    expect(d.arriveBy).toBeNull();
  });

  it('shorten to 5 minutes to accept, 30 on site and at most 24 hours for critical cases', () => {
    const building = taxonomy.category('building_safety'); // 10 min, 72 h by default
    const d = serviceDeadlines(building, 'critical', at);
    expect(minutesAfter(d.acceptBy)).toBe(5);
    expect(minutesAfter(d.arriveBy)).toBe(30);
    expect(minutesAfter(d.resolveBy)).toBe(24 * 60);
  });

  it('never lengthen a limit that is already tighter than the urgency cap', () => {
    const gas = taxonomy.category('fire_gas_emergency'); // 5 min, 2 h
    const d = serviceDeadlines(gas, 'critical', at);
    expect(minutesAfter(d.resolveBy)).toBe(120);
    const traffic = taxonomy.category('traffic_order'); // 10 min, 4 h
    expect(minutesAfter(serviceDeadlines(traffic, 'normal', at).acceptBy)).toBe(10);
  });

  it('cap high urgency at 10 minutes to accept', () => {
    const sanitation = taxonomy.category('sanitation'); // 60 min by default
    expect(minutesAfter(serviceDeadlines(sanitation, 'high', at).acceptBy)).toBe(10);
  });

  it('scale every limit by SLA_SCALE: 0.01 makes 5 minutes to accept 3 seconds', () => {
    const building = taxonomy.category('building_safety');
    const d = serviceDeadlines(building, 'critical', at, 0.01);
    expect(d.acceptBy.getTime() - at.getTime()).toBe(3_000);
    expect(d.arriveBy!.getTime() - at.getTime()).toBe(18_000);
    expect(d.resolveBy.getTime() - at.getTime()).toBe(864_000);
  });
});
