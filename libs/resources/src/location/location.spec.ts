import { given } from '@kairos/testing';
import { LocationCommand, LocationEvent, LocationFields, locationDecider } from './location';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const T = NOW.toISOString();
const LATER = '2026-03-02T10:00:00.000Z';
const ctx = { now: NOW };
const later = { now: new Date(LATER) };

const fields: LocationFields = {
  name: 'Downtown',
  type: 'BUSINESS',
  timeZone: 'Europe/Lisbon',
  address: { formatted: 'Rua Augusta 1, Lisboa', street: 'Rua Augusta 1', city: 'Lisboa', postalCode: '1100-053', country: 'PT' },
  isDefault: true,
};
const created: LocationEvent = { type: 'location.created', data: { id: 'l1', revision: 1, createdAt: T, updatedAt: T, archived: false, ...fields } };
const archived: LocationEvent = { type: 'location.archived', data: { id: 'l1', archivedAt: T } };
const update = (patch: Extract<LocationCommand, { type: 'UpdateLocation' }>['patch'], expectedRevision?: number): LocationCommand => ({ type: 'UpdateLocation', patch, expectedRevision });

describe('location decider: CreateLocation', () => {
  it('records the whole location at revision 1, not archived', () => {
    given(locationDecider, []).when({ type: 'CreateLocation', id: 'l1', fields }, ctx).then([created]);
  });

  it('refuses to create the same location twice', () => {
    given(locationDecider, [created]).when({ type: 'CreateLocation', id: 'l1', fields }, ctx).thenThrows('already-exists', [{ field: 'id', reason: 'taken' }]);
  });
});

describe('location decider: UpdateLocation', () => {
  it('records only what changed, with the previous values', () => {
    given(locationDecider, [created])
      .when(update({ name: 'Baixa', timeZone: 'Europe/Lisbon' }, 1), later)
      .then([{ type: 'location.updated', data: { id: 'l1', changes: { name: 'Baixa' }, previous: { name: 'Downtown' }, updatedAt: LATER } }]);
    given(locationDecider, [created]).when(update({ name: 'Baixa', address: null }), later).thenState({ view: { name: 'Baixa', address: null, revision: 2, updatedAt: LATER, createdAt: T } });
  });

  it('compares nested values by content', () => {
    given(locationDecider, [created]).when(update({ address: { ...fields.address! } }), later).thenNothing();
    given(locationDecider, [created])
      .when(update({ address: { ...fields.address!, city: 'Porto' } }), later)
      .thenState({ view: { address: { city: 'Porto', street: 'Rua Augusta 1' } } });
  });

  it('records nothing when nothing changes', () => {
    given(locationDecider, [created]).when(update({ name: 'Downtown', isDefault: true }), later).thenNothing();
  });

  it('checks the revision', () => {
    given(locationDecider, [created]).when(update({ name: 'x' }, 2), later).thenThrows('revision-conflict', [{ field: 'revision' }]);
  });

  it('refuses an archived location, and knows none that was never created', () => {
    given(locationDecider, [created, archived]).when(update({ name: 'x' }), later).thenThrows('invalid-transition');
    given(locationDecider, []).when(update({ name: 'x' }), later).thenThrows('not-found');
  });
});

describe('location decider: ArchiveLocation', () => {
  it('archives a location, which then is no default', () => {
    given(locationDecider, [created]).when({ type: 'ArchiveLocation', expectedRevision: 1 }, later).then([{ type: 'location.archived', data: { id: 'l1', archivedAt: LATER } }]);
    given(locationDecider, [created]).when({ type: 'ArchiveLocation' }, later).thenState({ view: { archived: true, isDefault: false, revision: 2, updatedAt: LATER } });
  });

  it('records nothing for a location already archived', () => {
    given(locationDecider, [created, archived]).when({ type: 'ArchiveLocation' }, later).thenNothing();
  });

  it('checks the revision, even of an archived location', () => {
    given(locationDecider, [created]).when({ type: 'ArchiveLocation', expectedRevision: 3 }, later).thenThrows('revision-conflict');
    given(locationDecider, [created, archived]).when({ type: 'ArchiveLocation', expectedRevision: 1 }, later).thenThrows('revision-conflict');
  });

  it('knows no location that was never created', () => {
    given(locationDecider, []).when({ type: 'ArchiveLocation' }, later).thenThrows('not-found');
  });
});

describe('location decider: evolve', () => {
  it('ignores events of a location it never saw created', () => {
    given(locationDecider, [archived]).when({ type: 'ArchiveLocation' }, later).thenThrows('not-found');
    given(locationDecider, [{ type: 'location.updated', data: { id: 'l1', changes: { name: 'x' }, previous: { name: 'y' }, updatedAt: T } }])
      .when({ type: 'CreateLocation', id: 'l1', fields }, ctx)
      .then([created]);
  });

  it('counts one revision per event', () => {
    const renamed: LocationEvent = { type: 'location.updated', data: { id: 'l1', changes: { name: 'Baixa' }, previous: { name: 'Downtown' }, updatedAt: T } };
    given(locationDecider, [created, renamed, renamed]).when({ type: 'ArchiveLocation', expectedRevision: 3 }, later).thenState({ view: { name: 'Baixa', revision: 4, archived: true } });
  });
});
