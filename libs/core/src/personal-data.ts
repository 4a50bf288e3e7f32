/**
 * Which fields of an event hold a person's data, and whose. The event store seals those fields
 * with the person's own key before they reach the log, and opens them when they are read; once
 * the key is destroyed (erasure), what the log holds of that person can no longer be read by
 * anyone, while the events themselves stay for the business's records.
 */
export interface PersonalDataRule {
  /** The event type, as stored (`booking.created`, `contact.created`, ...). */
  readonly eventType: string;
  /** Whose data the event holds: the id of the person (a contact id) found in its body, or null when it names nobody. */
  subjectOf(data: Record<string, unknown>): string | null;
  /** Top-level fields of the body that hold the person's data; after erasure each reads as null. */
  readonly fields: readonly string[];
}

/** An event type whose append erases a person: the store destroys the key named by `subjectOf` before the event is appended. */
export interface ErasureRule {
  readonly eventType: string;
  subjectOf(data: Record<string, unknown>): string | null;
}
