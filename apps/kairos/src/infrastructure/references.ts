import { Inject, Injectable } from '@nestjs/common';
import { DomainError, FieldError } from '@kairos/core';
import { EventStore } from '@kairos/event-store';
import { EVENT_STORE } from './tokens';

export interface Reference {
  field: string;
  streamId: string;
  noun: string;
}

const GONE = /\.(deleted|archived|canceled)$/;

/**
 * Ids named in a request body must exist now, in the event store (not a read model that may lag):
 * an unknown, deleted or archived one is 404 with the field (api.md §1).
 */
@Injectable()
export class References {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async requireAll(references: Reference[]): Promise<void> {
    const missing: FieldError[] = [];
    await Promise.all(
      references.map(async ({ field, streamId, noun }) => {
        const events = await this.store.readStream(streamId);
        if (events.length === 0 || events.some((e) => GONE.test(e.type))) missing.push({ field, reason: `no such ${noun}` });
      }),
    );
    if (missing.length > 0) {
      missing.sort((a, b) => a.field.localeCompare(b.field));
      throw new DomainError('not-found', `unknown ${missing.map((m) => m.field).join(', ')}`, missing);
    }
  }
}

/**
 * Whether bookings or BUSY sessions hold a service or resource in the future: the guard on deleting
 * them. Bookings and sessions are not recorded yet, so nothing can hold one; the answer becomes
 * live when they are, without touching the deciders or handlers that ask.
 */
@Injectable()
export class FutureCommitments {
  async ofService(_tenant: string, _serviceId: string, _now: Date): Promise<boolean> {
    return false;
  }

  async ofResource(_tenant: string, _resourceId: string, _now: Date): Promise<boolean> {
    return false;
  }
}
