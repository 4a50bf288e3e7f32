import { performance } from 'node:perf_hooks';
import { cpuMsOf } from '../kit/cpu';
import { median } from '../kit/stats';
import { Service, Slot, Tenant, bookingBody, caughtUp } from './store';

/**
 * CPU spent by the service process and by the PostgreSQL backends serving it (those with its
 * application name, sampled while the window is open so that a backend the pool opens meanwhile
 * counts too), between start() and stop(). Other clients' backends on the same server are not counted.
 */
class CpuWindow {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private appStart = 0;
  private timer: NodeJS.Timeout | null = null;
  private sampling: Promise<void> = Promise.resolve();

  constructor(private readonly service: Service) {}

  private async backends(): Promise<number[]> {
    const rows = await this.service.sql.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [this.service.applicationName]);
    return rows.map((r) => Number(r.pid));
  }

  private async sample(opening: boolean) {
    for (const pid of await this.backends()) {
      const ms = cpuMsOf(pid);
      if (Number.isNaN(ms)) continue;
      // A backend first seen after the window opened started inside it: all of its time is the window's.
      if (!this.first.has(pid)) this.first.set(pid, opening ? ms : 0);
      this.last.set(pid, ms);
    }
  }

  async start() {
    await this.sample(true);
    this.appStart = cpuMsOf(this.service.service.pid);
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample(false)).catch(() => undefined);
    }, 250);
  }

  async stop(): Promise<{ appMs: number; postgresMs: number }> {
    const appMs = cpuMsOf(this.service.service.pid) - this.appStart;
    clearInterval(this.timer!);
    await this.sampling;
    await this.sample(false);
    let postgresMs = 0;
    for (const [pid, first] of this.first) postgresMs += this.last.get(pid)! - first;
    return { appMs, postgresMs };
  }
}

export interface Cost {
  bookings: number;
  /** Answered 503, not counted in the others. */
  failed: number;
  medianMs: number;
  appCpuMs: number;
  postgresCpuMs: number;
  /** Service + its PostgreSQL backends, per booking. */
  cpuMsPerBooking: number;
}

/**
 * Books `slots` over HTTP, `concurrency` at a time, and answers the median latency and the CPU per
 * booking; the window closes once every projection has applied the last booking, so the work the
 * projections do for them counts too.
 */
export const measureBookings = async (service: Service, tenant: Tenant, slots: Slot[], concurrency: number): Promise<Cost> => {
  const latencies: number[] = [];
  let next = 0;
  let lastPosition = 0;
  const window = new CpuWindow(service);
  await window.start();
  let failed = 0;
  let cpu: { appMs: number; postgresMs: number };
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < slots.length) {
          const slot = slots[next++];
          const begin = performance.now();
          const answer = await service.service.call('POST', '/v1/bookings', bookingBody(tenant, slot));
          // A loaded machine can answer 503 (a store too slow): counted, and left out of the figures.
          if (answer.status === 503) failed++;
          else if (answer.status !== 201) throw new Error(`POST /v1/bookings answered ${answer.status}: ${answer.text.slice(0, 500)}`);
          else latencies.push(performance.now() - begin);
          lastPosition = Math.max(lastPosition, answer.position ?? 0);
        }
      }),
    );
    await caughtUp(service, lastPosition, 120_000, () => undefined);
  } finally {
    cpu = await window.stop();
  }
  const { appMs, postgresMs } = cpu;
  const created = latencies.length;
  return {
    bookings: created,
    failed,
    medianMs: median(latencies),
    appCpuMs: appMs / created,
    postgresCpuMs: postgresMs / created,
    cpuMsPerBooking: (appMs + postgresMs) / created,
  };
};
