import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { EventStore } from '@kairos/event-store';
import { Publisher } from '@kairos/publisher';
import { ReadStore } from '@kairos/read-store';
import { Open } from '../http/context.guard';
import { EVENT_STORE, PUBLISHER, READ_STORE } from '../infrastructure/tokens';
import { Metrics } from './metrics';

const within = async <T>(promise: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
};

@ApiExcludeController()
@Open()
@Controller()
export class OpsController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(PUBLISHER) private readonly publisher: Publisher,
    private readonly metrics: Metrics,
  ) {}

  @Get('health/live')
  live() {
    return { status: 'up' };
  }

  /**
   * 503 while a configured store or the broker does not answer, naming it in `checks` (and in
   * `down`); 200 again by itself once it answers. Liveness never depends on them: an outage is
   * waited out, not restarted.
   */
  @Get('health/ready')
  async ready(@Res() res: Response) {
    const checks = {
      eventStore: { engine: this.eventStore.engine, ping: () => this.eventStore.ping() },
      readStore: { engine: this.readStore.engine, ping: () => this.readStore.ping() },
      publisher: { engine: this.publisher.engine, ping: () => this.publisher.ping() },
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await within(check.ping(), 2000);
          return [name, { engine: check.engine, status: 'up' }] as const;
        } catch (error) {
          return [name, { engine: check.engine, status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const down = results.filter(([, r]) => r.status === 'down').map(([name]) => name);
    if (down.length > 0) res.setHeader('Retry-After', '1');
    res.status(down.length === 0 ? 200 : 503).json({ status: down.length === 0 ? 'up' : 'down', down, checks: Object.fromEntries(results) });
  }

  @Get('metrics')
  async metricsText(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
