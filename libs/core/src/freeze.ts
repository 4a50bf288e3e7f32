/** Freezes a value and everything it holds, for data handed to several readers that must not change it under each other. */
export const deepFreeze = <V>(value: V): V => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
};
