import { Inject, Injectable } from '@nestjs/common';
import { BOOKINGS } from '@kairos/bookings';
import { DomainError, FieldError } from '@kairos/core';
import { EventStore } from '@kairos/event-store';
import { FieldFilter, ReadStore } from '@kairos/read-store';
import { locationStream, resourceStream } from '@kairos/resources';
import { SESSIONS, scheduleIdOf } from '@kairos/scheduling';
import { ServiceView } from '@kairos/services';
import { EVENT_STORE, READ_STORE } from './tokens';

export interface Reference {
  field: string;
  streamId: string;
  noun: string;
}

/** What a request names of resources and a location. */
export interface NamedResources {
  resourceIds?: string[];
  locationId?: string | null;
}

/** The resources and location a request names (fields under `prefix`), each to be looked up. */
export const resourceReferences = (tenant: string, named: NamedResources, prefix = ''): Reference[] => [
  ...(named.resourceIds ?? []).map((id, i) => ({ field: `${prefix}resourceIds[${i}]`, streamId: resourceStream(tenant, id), noun: 'resource' })),
  ...(named.locationId ? [{ field: `${prefix}locationId`, streamId: locationStream(tenant, named.locationId), noun: 'location' }] : []),
];

export const usesResource = (service: ServiceView, resourceId: string) => service.resourceGroups.some((g) => g.resourceIds.includes(resourceId));

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

  /**
   * An appointment's slot: its resources and location exist (404) and each resource is one the
   * service uses (400). The engine gives a group the resources asked for in it and anyone free in a
   * group none was asked for, so an id that is unknown, or not the service's, would otherwise
   * silently become someone else.
   */
  async requireAppointmentResources(tenant: string, service: ServiceView, asked: NamedResources, prefix = ''): Promise<void> {
    await this.requireAll(resourceReferences(tenant, asked, prefix));
    const foreign = (asked.resourceIds ?? []).flatMap((id, i) => (usesResource(service, id) ? [] : [{ field: `${prefix}resourceIds[${i}]`, reason: 'not a resource of the service' }]));
    if (foreign.length > 0) throw new DomainError('validation', 'the service does not use these resources', foreign);
  }
}

/**
 * Whether bookings or BUSY sessions hold a service or resource in the future: the guard on deleting
 * them (api.md: 409 has-future-bookings). Read from the read models, so a booking made in the last
 * moments may be missed; the booking itself still cannot double-book.
 */
@Injectable()
export class FutureCommitments {
  constructor(@Inject(READ_STORE) private readonly readStore: ReadStore) {}

  private async anyBooking(tenant: string, where: Record<string, FieldFilter>, now: Date): Promise<boolean> {
    for (const status of ['CONFIRMED', 'PENDING']) {
      const page = await this.readStore.find(BOOKINGS, tenant, { where: { ...where, status, _start: { gte: now.toISOString() } }, limit: 1 });
      if (page.items.length > 0) return true;
    }
    return false;
  }

  ofService(tenant: string, serviceId: string, now: Date): Promise<boolean> {
    return this.anyBooking(tenant, { serviceId }, now);
  }

  async ofResource(tenant: string, resourceId: string, now: Date): Promise<boolean> {
    if (await this.anyBooking(tenant, { _resourceIds: { contains: resourceId } }, now)) return true;
    const sessions = await this.readStore.find(SESSIONS, tenant, {
      where: { _affects: { contains: scheduleIdOf(resourceId) }, type: 'EVENT', status: 'ACTIVE', _lastEnd: { gte: now.toISOString() } },
      limit: 1,
    });
    return sessions.items.length > 0;
  }
}
