// What marks an incident as opened by a device alarm (智能预警), for the rules that treat it apart (no resident
// to tell). Kept free of imports so that handlers/incidents can ask without depending on the alarm intake.

/** The platform device alarms are stored under: the chat is the alarm source, the sender the device. */
export const DEVICE_PLATFORM = 'device';

/** An alarm's incident is classified by `alarm:<kind>` (its fixed classification's source). */
export const ALARM_CLASSIFIER_PREFIX = 'alarm:';

export function alarmClassifier(kind: string): string {
  return `${ALARM_CLASSIFIER_PREFIX}${kind}`;
}

export function isDeviceAlarm(incident: { classifiedBy: string }): boolean {
  return incident.classifiedBy.startsWith(ALARM_CLASSIFIER_PREFIX);
}
