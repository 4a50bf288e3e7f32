export const EVENT_STORE = Symbol('EventStore');
export const READ_STORE = Symbol('ReadStore');
export const PUBLISHER = Symbol('Publisher');
export const RUNNER_LEASES = Symbol('RunnerLeases');
export const CONFIG = Symbol('KairosConfig');
export const CLOCK = Symbol('Clock');

/** The only clock reads in the service go through here, so tests can pin time. */
export type Clock = () => Date;
