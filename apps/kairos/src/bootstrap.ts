import { INestApplication, LoggerService, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { KairosConfig } from './config/config';
import { admissionLanes, queriesByPost } from './http/admission';
import { idempotencyMiddleware } from './http/idempotency';
import { openApiDocument } from './http/openapi/document';
import { PositionedExpressAdapter } from './http/positioned';
import { sendProblem, toProblem } from './http/problem';
import { refuseOtherMediaTypes, screenInput, validationPipe } from './http/validation';
import { Stores } from './infrastructure/stores';
import { Clock } from './infrastructure/tokens';
import { Metrics } from './ops/metrics';

export interface AppOptions {
  logger?: LoggerService | false;
  clock?: Clock;
}

/** Every controller of the app's modules, as Nest registered them. */
const controllersOf = (app: INestApplication): Type[] =>
  [...app.get(ModulesContainer).values()].flatMap((module) => [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type));

/** Builds the whole app on already opened stores; used by main and by end-to-end tests alike. */
export const createApp = async (config: KairosConfig, stores: Stores, options: AppOptions = {}): Promise<INestApplication> => {
  const clock = options.clock ?? (() => new Date());
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, stores, clock), new PositionedExpressAdapter(), {
    logger: options.logger ?? false,
    bodyParser: false,
  });
  app.disable('x-powered-by');
  // Answers are read models and slots of the moment, fetched mostly by POST: hashing every body for an
  // ETag (170 KB for a month of slots) would cost more than the conditional GETs it could save.
  app.set('etag', false);
  const express = await import('express');
  app.use(refuseOtherMediaTypes);
  app.use(express.json({ limit: '1mb' }));
  // Malformed JSON fails in the body parser, before Nest: answer it as the contract says.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => (error ? sendProblem(res, toProblem(error)) : next()));
  app.use(screenInput);

  const metrics = app.get(Metrics);
  // Health and metrics stay outside the queue, so a busy instance still answers its probes.
  if (config.maxConcurrentRequests > 0) {
    const isQuery = queriesByPost(controllersOf(app));
    app.use('/v1', admissionLanes(config.maxConcurrentRequests, isQuery, (lane, waiting) => metrics.requestsWaiting.set({ lane }, waiting)));
  }
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    res.on('finish', () => end({ route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });
  app.use(idempotencyMiddleware(stores.eventStore, stores.readStore, config, clock));
  app.useGlobalPipes(validationPipe());

  const document = openApiDocument(app, controllersOf(app));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
};
