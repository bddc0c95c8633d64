export { Assignment, type AssignmentRole, type AssignmentStatus } from './assignment';
export { Attachment, type AttachmentStatus } from './attachment';
export { Broadcast } from './broadcast';
export { Card } from './card';
export { ChatGroup, type ChatGroupKind } from './chatGroup';
export { ClockStep, type ClockStepName } from './clockStep';
export { Counter } from './counter';
export { Digest, type DigestKind } from './digest';
export { Flood, type FloodScope } from './flood';
export { GroupMember } from './groupMember';
export { InboundMessage, type InboundStatus } from './inboundMessage';
export { Hotspot } from './hotspot';
export { Incident } from './incident';
export { IncidentReporter } from './incidentReporter';
export { OrgUnit, type OrgUnitKind } from './orgUnit';
export { OutboundMessage, type OutboundKind, type OutboundStatus } from './outboundMessage';
export { Person } from './person';
export { Post } from './post';
export { ScamSighting } from './scamSighting';
export { PostMember } from './postMember';
export { TimelineEntry } from './timelineEntry';
export { TriageItem, type TriageStatus } from './triageItem';
export { VolunteerPoint } from './volunteerPoint';
export { VisitTask, VISIT_OUTCOMES, type VisitOutcome, type VisitTaskStatus } from './visitTask';
export { DailyTaskItem, DailyTaskList } from './dailyTask';

import { Assignment } from './assignment';
import { Attachment } from './attachment';
import { Broadcast } from './broadcast';
import { Card } from './card';
import { ChatGroup } from './chatGroup';
import { ClockStep } from './clockStep';
import { Counter } from './counter';
import { Flood } from './flood';
import { GroupMember } from './groupMember';
import { InboundMessage } from './inboundMessage';
import { Hotspot } from './hotspot';
import { Incident } from './incident';
import { IncidentReporter } from './incidentReporter';
import { OrgUnit } from './orgUnit';
import { OutboundMessage } from './outboundMessage';
import { Person } from './person';
import { Post } from './post';
import { PostMember } from './postMember';
import { ScamSighting } from './scamSighting';
import { TimelineEntry } from './timelineEntry';
import { TriageItem } from './triageItem';
import { VolunteerPoint } from './volunteerPoint';
import { VisitTask } from './visitTask';
import { Digest } from './digest';
import { DailyTaskItem, DailyTaskList } from './dailyTask';

export const ALL_ENTITIES = [
  Assignment, Attachment, Broadcast, Card, ChatGroup, ClockStep, Counter, Flood, GroupMember, Hotspot, InboundMessage, Incident, IncidentReporter,
  Digest, OrgUnit, OutboundMessage, Person, Post, PostMember, ScamSighting, TimelineEntry, TriageItem, VolunteerPoint, VisitTask,
  DailyTaskList, DailyTaskItem,
];
