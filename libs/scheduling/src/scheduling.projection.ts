import { RecordedEvent } from '@kairos/core';
import { Projection, applyLifecycle } from '@kairos/projections';
import { ReadModelWriter } from '@kairos/read-store';

export const SCHEDULES = 'schedules';

export const schedulingProjection: Projection = {
  name: 'scheduling',
  collections: [SCHEDULES],
  async apply(event: RecordedEvent, writer: ReadModelWriter) {
    if (event.type.startsWith('schedule.')) await applyLifecycle(event, writer, SCHEDULES);
  },
};
