import type { ActorType } from './event-schema';

export interface Actor {
  type: ActorType;
  id?: string;
}

/** Whether a write tells the people it concerns, and what it adds to their message. */
export interface ParticipantNotification {
  /** false: the write sends the participants nothing. */
  notifyParticipants: boolean;
  /** Shown in the message it sends (`{{message}}` in templates). */
  message?: string;
}

/** What every stored event carries besides its body. */
export interface EventMetadata {
  tenant: string;
  actor: Actor;
  correlationId?: string;
  causationId?: string;
  /** When the command that produced the event was decided (ISO-8601 UTC). */
  occurredAt: string;
  /** Given by the write that produced the event; absent: notify as the settings say. */
  participantNotification?: ParticipantNotification;
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
