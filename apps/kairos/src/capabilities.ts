import { Type } from '@nestjs/common';
import { availabilityCapability } from '@kairos/availability';
import { bookingsCapability } from '@kairos/bookings';
import { calendarsCapability } from '@kairos/calendars';
import { clientsCapability } from '@kairos/clients';
import { Capability } from '@kairos/core';
import { membershipsCapability } from '@kairos/memberships';
import { notificationsCapability } from '@kairos/notifications';
import { EventRoutes, eventRoutes } from '@kairos/publisher';
import { resourcesCapability } from '@kairos/resources';
import { schedulingCapability } from '@kairos/scheduling';
import { servicesCapability } from '@kairos/services';
import { AvailabilityModule } from './availability/availability.module';
import { BookingPoliciesModule } from './booking-policies/booking-policies.module';
import { BookingsModule } from './bookings/bookings.module';
import { BOOKING_TIMERS } from './bookings/hold-expiry';
import { CalendarConnectionsModule } from './calendars/connections/calendar-connections.module';
import { CalendarFeedsModule } from './calendars/feeds/calendar-feeds.module';
import { ClientsModule } from './clients/clients.module';
import { TimerSource } from './infrastructure/timers';
import { LocationsModule } from './locations/locations.module';
import { MEMBERSHIP_TIMERS } from './memberships/plan-order-timer';
import { MembershipsModule } from './memberships/memberships.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ResourcesModule } from './resources/resources.module';
import { SchedulesModule } from './schedules/schedules.module';
import { ServicesModule } from './services/services.module';
import { SessionsModule } from './sessions/sessions.module';

/** A capability as the service runs it: its domain library's descriptor, the Nest modules serving its HTTP API, and its durable timers. */
export interface RegisteredCapability {
  readonly capability: Capability;
  readonly modules: readonly Type[];
  readonly timers?: readonly TimerSource[];
}

/**
 * Every capability the service runs; a new one is registered here and nowhere else. Runners start,
 * modules load and topics are listed in this order.
 */
export const REGISTERED_CAPABILITIES: readonly RegisteredCapability[] = [
  { capability: servicesCapability, modules: [ServicesModule, BookingPoliciesModule] },
  { capability: resourcesCapability, modules: [ResourcesModule, LocationsModule] },
  { capability: schedulingCapability, modules: [SchedulesModule, SessionsModule] },
  { capability: availabilityCapability, modules: [AvailabilityModule] },
  { capability: bookingsCapability, modules: [BookingsModule], timers: BOOKING_TIMERS },
  { capability: membershipsCapability, modules: [MembershipsModule], timers: MEMBERSHIP_TIMERS },
  { capability: notificationsCapability, modules: [NotificationsModule] },
  { capability: clientsCapability, modules: [ClientsModule] },
  { capability: calendarsCapability, modules: [CalendarFeedsModule, CalendarConnectionsModule] },
];

export const CAPABILITIES: readonly Capability[] = REGISTERED_CAPABILITIES.map((registered) => registered.capability);

export const CAPABILITY_MODULES: readonly Type[] = REGISTERED_CAPABILITIES.flatMap((registered) => registered.modules);

/** Every timer collection the durable timer sweeps, with the command each fires. */
export const TIMER_SOURCES: readonly TimerSource[] = REGISTERED_CAPABILITIES.flatMap((registered) => registered.timers ?? []);

/** Capabilities still to come whose topics already exist for consumers to subscribe to (api.md §3). */
export const RESERVED_CAPABILITIES: readonly string[] = [];

/** Where each published event goes, and every topic the service owns: what the publisher, the AsyncAPI document and consumers' tests share. */
export const EVENT_ROUTES: EventRoutes = eventRoutes(CAPABILITIES.flatMap((capability) => capability.events ?? []), RESERVED_CAPABILITIES);
