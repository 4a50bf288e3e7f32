import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RunnerGauges } from '../infrastructure/tokens';

/** Prometheus metrics; one registry per app instance so tests can run several. */
@Injectable()
export class Metrics implements RunnerGauges {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'kairos_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly runnerPosition = new Gauge({ name: 'kairos_runner_position', help: 'Last global position applied', labelNames: ['runner'], registers: [this.registry] });
  readonly runnerLeading = new Gauge({ name: 'kairos_runner_leading', help: '1 while this process runs the runner, 0 while another does and it stands by', labelNames: ['runner'], registers: [this.registry] });
  readonly runnerLag = new Histogram({
    name: 'kairos_runner_lag_seconds',
    help: 'Time from an event being recorded to a runner applying it',
    labelNames: ['runner'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly requestsWaiting = new Gauge({ name: 'kairos_http_requests_waiting', help: 'Requests waiting for their turn (KAIROS_MAX_CONCURRENT_REQUESTS per lane)', labelNames: ['lane'], registers: [this.registry] });
  readonly runnerErrors = new Counter({ name: 'kairos_runner_errors_total', help: 'Failed batches (retried)', labelNames: ['runner'], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kairos_' });
  }

  runnerLeads(runner: string, leads: boolean): void {
    this.runnerLeading.set({ runner }, leads ? 1 : 0);
  }

  runnerApplied(runner: string, position: number, lagSeconds: number): void {
    this.runnerPosition.set({ runner }, position);
    this.runnerLag.observe({ runner }, lagSeconds);
  }

  runnerFailed(runner: string): void {
    this.runnerErrors.inc({ runner });
  }
}
