import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { CAPABILITY_MODULES } from './capabilities';
import { KairosConfig } from './config/config';
import { ContextGuard } from './http/context.guard';
import { ProblemFilter } from './http/problem';
import { DurableTimer } from './infrastructure/durable-timer';
import { EventSourcing } from './infrastructure/event-sourcing';
import { FutureCommitments, References } from './infrastructure/references';
import { Runtime } from './infrastructure/runtime';
import { Stores } from './infrastructure/stores';
import { CLOCK, CONFIG, Clock, EVENT_STORE, PUBLISHER, READ_STORE, RUNNER_GAUGES, RUNNER_LEASES } from './infrastructure/tokens';
import { AsyncApiController } from './ops/asyncapi.controller';
import { Metrics } from './ops/metrics';
import { OpsController } from './ops/ops.controller';
import { QUERY_HANDLERS } from './queries/read-models';

/** What every capability module may inject: the stores, the write path, reference checks. */
@Module({})
export class CoreModule {
  static forRoot(config: KairosConfig, stores: Stores, clock: Clock): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: stores.eventStore },
        { provide: READ_STORE, useValue: stores.readStore },
        { provide: PUBLISHER, useValue: stores.publisher },
        { provide: RUNNER_LEASES, useValue: stores.leases },
        { provide: CLOCK, useValue: clock },
        EventSourcing,
        References,
        FutureCommitments,
        Metrics,
        ...QUERY_HANDLERS,
      ],
      exports: [CONFIG, EVENT_STORE, READ_STORE, PUBLISHER, RUNNER_LEASES, CLOCK, EventSourcing, References, FutureCommitments, Metrics],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: KairosConfig, stores: Stores, clock: Clock = () => new Date()): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config, stores, clock), ...CAPABILITY_MODULES],
      controllers: [OpsController, AsyncApiController],
      providers: [
        Runtime,
        DurableTimer,
        { provide: RUNNER_GAUGES, useExisting: Metrics },
        { provide: APP_GUARD, useClass: ContextGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
