import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';
import { DeliveryRetriesAndFloods1764600000000 } from './1764600000000-DeliveryRetriesAndFloods';
import { HotQueryIndexes1764700000000 } from './1764700000000-HotQueryIndexes';
import { ClockSteps1764800000000 } from './1764800000000-ClockSteps';
import { ClosedLoop1764900000000 } from './1764900000000-ClosedLoop';
import { PlatformHandles1765000000000 } from './1765000000000-PlatformHandles';
import { Attachments1765100000000 } from './1765100000000-Attachments';
import { Triage1765200000000 } from './1765200000000-Triage';
import { IncidentSummary1765300000000 } from './1765300000000-IncidentSummary';
import { Broadcasts1765400000000 } from './1765400000000-Broadcasts';
import { WatchingCards1765500000000 } from './1765500000000-WatchingCards';
import { ScamSightings1765600000000 } from './1765600000000-ScamSightings';
import { OneIncidentManyReports1765700000000 } from './1765700000000-OneIncidentManyReports';
import { VisitTasks1765800000000 } from './1765800000000-VisitTasks';
import { MessageLocations1765900000000 } from './1765900000000-MessageLocations';
import { VolunteerPoints1766000000000 } from './1766000000000-VolunteerPoints';
import { Digests1766200000000 } from './1766200000000-Digests';
import { DailyTasks1766300000000 } from './1766300000000-DailyTasks';

/** In order. A new migration is appended here; an earlier one is never changed in what it builds. */
export const ALL_MIGRATIONS = [InitialSchema1764000000000, DeliveryRetriesAndFloods1764600000000, HotQueryIndexes1764700000000, ClockSteps1764800000000, ClosedLoop1764900000000, PlatformHandles1765000000000, Attachments1765100000000, Triage1765200000000, IncidentSummary1765300000000, Broadcasts1765400000000, WatchingCards1765500000000, ScamSightings1765600000000, OneIncidentManyReports1765700000000, VisitTasks1765800000000, MessageLocations1765900000000, VolunteerPoints1766000000000, Digests1766200000000, DailyTasks1766300000000];
