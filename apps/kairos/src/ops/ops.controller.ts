import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Response } from 'express';
import { EventStore } from '@kairos/event-store';
import { Publisher } from '@kairos/publisher';
import { ReadStore } from '@kairos/read-store';
import { Open } from '../http/context.guard';
import { EVENT_STORE, PUBLISHER, READ_STORE } from '../infrastructure/tokens';
import { Metrics } from './metrics';

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))]);

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

  /** 503 while a configured store or the broker does not answer. */
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
    const up = results.every(([, r]) => r.status === 'up');
    res.status(up ? 200 : 503).json({ status: up ? 'up' : 'down', checks: Object.fromEntries(results) });
  }

  @Get('metrics')
  async metricsText(@Res() res: Response) {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
