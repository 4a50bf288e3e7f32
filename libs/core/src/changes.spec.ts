import { changedFields, hasChanges } from './changes';

describe('changedFields', () => {
  it('keeps only fields whose value differs, with their previous values', () => {
    const result = changedFields(
      { name: 'Cut', hidden: false, durations: [30], note: null as string | null },
      { name: 'Cut', hidden: true, durations: [30, 45], note: undefined },
    );
    expect(result).toEqual({ changes: { hidden: true, durations: [30, 45] }, previous: { hidden: false, durations: [30] } });
    expect(hasChanges(result)).toBe(true);
  });

  it('reports no change for an identical patch', () => {
    expect(hasChanges(changedFields({ a: { b: 1 } }, { a: { b: 1 } }))).toBe(false);
  });

  it('reports no change for equal objects whose keys come in another order', () => {
    const stored = { groups: [{ selectable: true, resourceIds: ['r1'], requiredCount: 1 }] };
    expect(hasChanges(changedFields(stored, { groups: [{ resourceIds: ['r1'], requiredCount: 1, selectable: true }] }))).toBe(false);
    expect(hasChanges(changedFields(stored, { groups: [{ resourceIds: ['r1'], requiredCount: 2, selectable: true }] }))).toBe(true);
  });
});
