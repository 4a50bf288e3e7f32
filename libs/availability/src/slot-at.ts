import { AvailabilityData, availability, gridWorking } from './availability';
import { Window } from './calendar';
import { ServiceInfo, Slot, SlotQuery } from './slots';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A booking asks the engine about one start and one duration: the query of availability it stands for. */
export type AskedStart = Omit<SlotQuery, 'from' | 'to' | 'durationMinutes' | 'grid'> & { start: number; durationMinutes: number };

const queryOf = (asked: AskedStart): SlotQuery => {
  const { start, ...rest } = asked;
  return { ...rest, from: start, to: start + 1 };
};

/**
 * The calendars that can tell whether an appointment starts at `start`: calendarWindow's nine days
 * are there to anchor grids and reach buffers for a whole range; one start needs only the blocks
 * its buffered span can meet (a block's start before `end + after`, its end after `start − before`)
 * and the working span holding it. A day back finds where that span began for any shift shorter than
 * a day; a longer one is told by slotAt, and the caller asks again with calendarWindow.
 */
export const slotWindow = (service: Pick<ServiceInfo, 'bufferBeforeMinutes' | 'bufferAfterMinutes'>, asked: Pick<AskedStart, 'start' | 'durationMinutes'>): Window => ({
  from: asked.start - service.bufferBeforeMinutes * MINUTE - DAY,
  to: asked.start + (asked.durationMinutes + service.bufferAfterMinutes) * MINUTE + 1,
});

/**
 * The slot starting at `asked.start`, exactly as `availability` over calendarWindow gives it, from
 * `data` whose own calendars cover slotWindow only (a property test holds it to that); undefined
 * when there is none. Clipping a window commutes with everything calendars are made of (weekly
 * hours, unions, intersections, blocks), so the short calendars are the long ones cut to it, and
 * the engine's answer at one start reads nothing outside them, but for one thing: a start is on the
 * grid of the working span holding it, counted from where the span began. A span that seems to begin
 * at the window's edge may have begun before it: then `'wider'`, and the caller runs the general query.
 */
export const slotAt = (data: AvailabilityData, asked: AskedStart): Slot | undefined | 'wider' => {
  const query = queryOf(asked);
  const edge = slotWindow(data.service, asked).from;
  for (const working of gridWorking(data, query).values()) {
    if (working.some(([ws, we]) => ws <= edge && asked.start < we)) return 'wider';
  }
  return availability(data, query).find((s) => Date.parse(s.start) === asked.start);
};

/** The general answer slotAt stands for, from data over calendarWindow({ from: start, to: start + 1 }). */
export const slotAtByRange = (data: AvailabilityData, asked: AskedStart): Slot | undefined =>
  availability(data, queryOf(asked)).find((s) => Date.parse(s.start) === asked.start);
