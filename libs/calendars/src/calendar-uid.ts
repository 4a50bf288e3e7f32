/**
 * The iCalendar UID of what Kairos puts in a calendar: a booking's (or a session's) id at kairos. One
 * rule for the booking emails' invitations, the feeds and the entries written back, so a calendar
 * that holds a booking from several of them keeps one entry, and every update replaces it.
 */
export const calendarUid = (id: string): string => `${id}@kairos`;
