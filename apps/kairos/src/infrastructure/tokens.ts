export const EVENT_STORE = Symbol('EventStore');
export const READ_STORE = Symbol('ReadStore');
export const PUBLISHER = Symbol('Publisher');
export const RUNNER_LEASES = Symbol('RunnerLeases');
export { CONFIG } from '../config/config';
export const CLOCK = Symbol('Clock');
export const RUNNER_GAUGES = Symbol('RunnerGauges');

/** The only clock reads in the service go through here, so tests can pin time. */
export type Clock = () => Date;

/** What the runtime tells of its runners, for whoever measures them (the metrics endpoint). */
export interface RunnerGauges {
  runnerLeads(runner: string, leads: boolean): void;
  /** The runner applied up to `position` an event recorded `lagSeconds` ago. */
  runnerApplied(runner: string, position: number, lagSeconds: number): void;
  runnerFailed(runner: string): void;
}
