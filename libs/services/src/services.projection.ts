import { RecordedEvent } from '@kairos/core';
import { Projection, applyLifecycle } from '@kairos/projections';
import { Doc, ReadModelWriter } from '@kairos/read-store';
import { ResourceGroup } from './service/service';

export const SERVICES = 'services';
export const BOOKING_POLICIES = 'booking_policies';

const resourceIdsOf = (doc: Doc) => ({
  _resourceIds: [...new Set(((doc.resourceGroups as ResourceGroup[]) ?? []).flatMap((g) => g.resourceIds))],
});

const setDefault = async (writer: ReadModelWriter, tenant: string, id: string | null, isDefault: boolean) => {
  if (!id) return;
  const doc = await writer.get(BOOKING_POLICIES, tenant, id);
  if (doc) await writer.put(BOOKING_POLICIES, tenant, { ...doc, isDefault });
};

export const servicesProjection: Projection = {
  name: 'services',
  collections: [SERVICES, BOOKING_POLICIES],
  async apply(event: RecordedEvent, writer: ReadModelWriter) {
    if (event.type.startsWith('service.')) {
      await applyLifecycle(event, writer, SERVICES, resourceIdsOf);
    } else if (event.type === 'booking-policy.default-set') {
      const data = event.data as { id: string; previousDefaultId: string | null; at: string };
      await setDefault(writer, event.metadata.tenant, data.previousDefaultId, false);
      const doc = await writer.get(BOOKING_POLICIES, event.metadata.tenant, data.id);
      if (doc) await writer.put(BOOKING_POLICIES, event.metadata.tenant, { ...doc, isDefault: true, revision: (doc.revision as number) + 1, updatedAt: data.at });
    } else if (event.type.startsWith('booking-policy.')) {
      await applyLifecycle(event, writer, BOOKING_POLICIES, (doc) => ({ isDefault: doc.isDefault ?? false }));
    }
  },
};
