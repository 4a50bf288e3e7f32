import { Static, Type } from '@sinclair/typebox';
import { AggregateMeta, EventsOf, deletedBody, eventSchema, flag, instant, integer, listOf, nullable, oneOf, patchOf, record, text, timeZoneName, updatedBody } from '@kairos/core';

export const ServiceType = oneOf(['APPOINTMENT', 'CLASS', 'COURSE']);
export type ServiceType = Static<typeof ServiceType>;
export const RateType = oneOf(['FIXED', 'VARIED', 'CUSTOM', 'NO_FEE']);
export type RateType = Static<typeof RateType>;
export const LocationType = oneOf(['BUSINESS', 'CUSTOM', 'CUSTOMER']);
export type LocationType = Static<typeof LocationType>;

export const Money = record({ amount: text('decimal, e.g. "25.00"'), currency: text('ISO 4217 code') });
export type Money = Static<typeof Money>;

export const ResourceGroup = record({
  resourceIds: listOf(text()),
  requiredCount: integer(),
  selectable: flag('whether the customer picks the resource; otherwise one is assigned'),
});
export type ResourceGroup = Static<typeof ResourceGroup>;

const minutes = () => integer(undefined, 0);

export const ServiceFields = record({
  name: text(),
  type: ServiceType,
  category: nullable(text()),
  hidden: flag(),
  defaultCapacity: integer(),
  sessionDurations: listOf(integer(), 'minutes'),
  bufferBeforeMinutes: minutes(),
  bufferAfterMinutes: minutes(),
  slotSplitIntervalMinutes: nullable(integer()),
  resourceGroups: listOf(ResourceGroup),
  locations: listOf(record({ id: nullable(text()), type: LocationType })),
  onlineBooking: record({ enabled: flag(), requireManualApproval: flag(), allowMultipleRequests: flag() }),
  payment: record({ rateType: RateType, price: nullable(Money), deposit: nullable(Money), planIds: listOf(text()) }),
  bookingPolicyId: nullable(text('null: the tenant default policy')),
});
export type ServiceFields = Static<typeof ServiceFields>;

export const ServicePatch = patchOf(Type.Omit(ServiceFields, ['type']), 'service fields');
export type ServicePatch = Static<typeof ServicePatch>;

export const ServiceView = record({
  ...AggregateMeta.properties,
  ...ServiceFields.properties,
  scheduleId: text(),
  timeZone: timeZoneName(),
  deletedAt: nullable(instant()),
});
export type ServiceView = Static<typeof ServiceView>;

export const serviceEvents = [
  eventSchema('service.created', 'A service was created; the body is the service as GET shows it.', ServiceView),
  eventSchema('service.updated', 'Fields of a service changed.', updatedBody(ServicePatch)),
  eventSchema('service.deleted', 'A service was deleted.', deletedBody('The service')),
] as const;
export type ServiceEvent = EventsOf<typeof serviceEvents>;
