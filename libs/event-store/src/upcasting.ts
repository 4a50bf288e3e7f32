import { RecordedEvent } from '@kairos/core';

/** Turns the body of `type` at `fromVersion` into the body at `fromVersion + 1`. */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: unknown): unknown;
}

/**
 * Old events stay as they were written; readers see them at the version the code understands.
 * Chains steps one version at a time, so each change to an event's shape is written once.
 */
export class Upcasters {
  private readonly steps = new Map<string, Upcaster>();

  constructor(upcasters: Upcaster[] = []) {
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.steps.has(key)) throw new Error(`two upcasters for ${key}`);
      this.steps.set(key, upcaster);
    }
  }

  upcast<E extends RecordedEvent>(event: E): E {
    let current = event;
    for (let step = this.steps.get(`${current.type}@${current.schemaVersion}`); step; step = this.steps.get(`${current.type}@${current.schemaVersion}`)) {
      current = { ...current, data: step.upcast(current.data), schemaVersion: current.schemaVersion + 1 };
    }
    return current;
  }
}
