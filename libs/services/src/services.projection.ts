import { ProjectionDefinition, ViewDoc, markedDeleted, putDoc, updatedFields, viewDocuments } from '@kairos/core';
import { BookingPolicyEvent } from './booking-policy/booking-policy';
import { ResourceGroup, ServiceEvent } from './service/service';

export const SERVICES = 'services';
export const BOOKING_POLICIES = 'booking_policies';

type DefaultSet = Extract<BookingPolicyEvent, { type: 'booking-policy.default-set' }>;

const serviceDocs = viewDocuments<ServiceEvent>(
  SERVICES,
  { 'service.created': 'creates', 'service.updated': updatedFields, 'service.deleted': markedDeleted },
  (doc) => ({ _resourceIds: [...new Set(((doc.resourceGroups as ResourceGroup[] | undefined) ?? []).flatMap((g) => g.resourceIds))] }),
);

const policyDocs = viewDocuments<Exclude<BookingPolicyEvent, DefaultSet>>(
  BOOKING_POLICIES,
  { 'booking-policy.created': 'creates', 'booking-policy.updated': updatedFields, 'booking-policy.deleted': markedDeleted },
  (doc: ViewDoc) => ({ isDefault: doc.isDefault ?? false }),
);

/** Services and booking policies by id; a policy made the default takes the flag from the previous one. */
export const servicesProjection: ProjectionDefinition<ServiceEvent | BookingPolicyEvent> = {
  name: 'services',
  collections: [SERVICES, BOOKING_POLICIES],
  canHandle: [...serviceDocs.canHandle, ...policyDocs.canHandle, 'booking-policy.default-set'],
  evolve(event, documents) {
    if (event.type === 'booking-policy.default-set') {
      const tenant = event.metadata.tenant;
      const { id, previousDefaultId, at } = event.data;
      const previous = previousDefaultId === null ? null : documents.get<ViewDoc>(BOOKING_POLICIES, tenant, previousDefaultId);
      const policy = documents.get<ViewDoc>(BOOKING_POLICIES, tenant, id);
      return [
        ...(previous ? [putDoc(BOOKING_POLICIES, tenant, { ...previous, isDefault: false })] : []),
        ...(policy ? [putDoc(BOOKING_POLICIES, tenant, { ...policy, isDefault: true, revision: policy.revision + 1, updatedAt: at })] : []),
      ];
    }
    return serviceDocs.handles(event) ? serviceDocs.writes(event, documents) : policyDocs.writes(event, documents);
  },
};
