// A location sent with a message (随手拍: "桂香苑8栋", or a point shared from a phone's map) at the seam: the
// limits every adapter's location is held to, and what intake keeps of the one an adapter names.
import type { Logger } from 'pino';
import type { InboundLocation } from '../events';
import { wellFormed } from '../wellFormedText';

/** The locationName column's size. */
export const MAX_LOCATION_NAME_LENGTH = 100;

export const LATITUDE_RANGE = { min: -90, max: 90 } as const;
export const LONGITUDE_RANGE = { min: -180, max: 180 } as const;

const within = (value: number, range: { min: number; max: number }) => Number.isFinite(value) && value >= range.min && value <= range.max;

/** Why a location cannot be kept, or null when it can: a name, or both coordinates in range, or both. */
export function locationFault(location: InboundLocation): string | null {
  const name = location.name?.trim() ?? '';
  if (name.length > MAX_LOCATION_NAME_LENGTH) return `name is ${name.length} characters; at most ${MAX_LOCATION_NAME_LENGTH}`;
  const { latitude, longitude } = location;
  const hasPoint = latitude !== undefined || longitude !== undefined;
  if (hasPoint && (latitude === undefined || longitude === undefined)) return 'needs both latitude and longitude, or neither';
  if (latitude !== undefined && !within(latitude, LATITUDE_RANGE)) return `latitude ${latitude} is not within ${LATITUDE_RANGE.min}..${LATITUDE_RANGE.max}`;
  if (longitude !== undefined && !within(longitude, LONGITUDE_RANGE)) return `longitude ${longitude} is not within ${LONGITUDE_RANGE.min}..${LONGITUDE_RANGE.max}`;
  if (!name && !hasPoint) return 'needs a name or both coordinates';
  return null;
}

/**
 * The location worth storing, or undefined when there is none. One an adapter should not have sent (out of
 * range, nameless and pointless) is its mistake: the location is dropped and logged, the message is still taken.
 */
export function keptLocation(platformMessageId: string, location: InboundLocation | undefined, log: Logger): InboundLocation | undefined {
  if (!location) return undefined;
  const fault = locationFault(location);
  if (fault) {
    log.warn({ platformMessageId, fault }, 'location not kept');
    return undefined;
  }
  const name = wellFormed(location.name?.trim() ?? '');
  return {
    ...(name ? { name } : {}),
    ...(location.latitude !== undefined && location.longitude !== undefined ? { latitude: location.latitude, longitude: location.longitude } : {}),
  };
}

/**
 * What a message that is only a location says, so it is stored with words a person (and the classifier) can
 * read: its name, else its point; '' when it has neither.
 */
export function locationAsText(location: InboundLocation | undefined): string {
  const name = location?.name?.trim();
  if (name) return name;
  return location?.latitude !== undefined && location.longitude !== undefined ? `[位置] ${location.latitude}, ${location.longitude}` : '';
}
