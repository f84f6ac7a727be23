/** Limits a server applies to stored iCalendar objects (RFC 4791 §5.2.5–5.2.9 properties). */
export interface CalendarLimits {
  /** CALDAV:max-resource-size, bytes. */
  maxResourceSize: number;
  /** Longest unfolded content line accepted, bytes. */
  maxLineLength: number;
  /** Most components (of any kind) in one object. */
  maxComponents: number;
  /** CALDAV:min-date-time / max-date-time, milliseconds since the epoch (UTC). */
  minDateTime: number;
  maxDateTime: number;
  /** CALDAV:max-instances: most instances a finite recurrence set may have. */
  maxInstances: number;
  /** CALDAV:max-attendees-per-instance. */
  maxAttendeesPerInstance: number;
}

export const DEFAULT_CALENDAR_LIMITS: CalendarLimits = {
  maxResourceSize: 10 * 1024 * 1024,
  maxLineLength: 1024 * 1024,
  maxComponents: 10_000,
  minDateTime: Date.UTC(1900, 0, 1),
  maxDateTime: Date.UTC(2200, 0, 1),
  maxInstances: 10_000,
  maxAttendeesPerInstance: 1_000,
};

/** RFC 4791 §5.2.6 wants min/max-date-time as UTC DATE-TIME text such as 19000101T000000Z. */
export function toIcalUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
