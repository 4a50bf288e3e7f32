import type { ActorType } from './event-schema';

export interface Actor {
  type: ActorType;
  id?: string;
}

/** What every stored event carries besides its body. */
export interface EventMetadata {
  tenant: string;
  actor: Actor;
  correlationId?: string;
  causationId?: string;
  /** When the command that produced the event was decided (ISO-8601 UTC). */
  occurredAt: string;
}

/** An event as a command produces it, before the store gives it a place. */
export interface NewEvent<Data = unknown> {
  id: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
}

/** An event as the store hands it back: its stream, its place in the stream and in the global log. */
export interface RecordedEvent<Data = unknown> extends NewEvent<Data> {
  streamId: string;
  /** 0-based position within its stream. */
  streamRevision: number;
  /** Position in the global log; strictly increasing in read order, not necessarily dense. */
  position: number;
  recordedAt: string;
}
