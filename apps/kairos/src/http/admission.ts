import { RequestMethod, SetMetadata, Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { NextFunction, Request, Response } from 'express';

/**
 * Lets at most `limit` requests run at once; the others wait their turn in arrival order. Past a
 * point more concurrency buys nothing on one event loop: it only lengthens the queue every request
 * and the projection runners wait in, so read models and Kafka fall seconds behind. A request
 * whose client left while waiting is skipped. (Not p-limit: its current major is ESM-only, which
 * this CommonJS build cannot require, and it cannot skip a task whose client left.)
 */
export const admission = (limit: number, onQueue: (waiting: number) => void = () => undefined) => {
  let running = 0;
  const waiting: (() => void)[] = [];
  const admitNext = () => {
    const next = waiting.shift();
    onQueue(waiting.length);
    next?.();
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const run = () => {
      if (req.socket.destroyed || res.writableEnded) return admitNext();
      running++;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        running--;
        admitNext();
      };
      res.once('finish', finish);
      res.once('close', finish);
      next();
    };
    if (running < limit) return run();
    waiting.push(run);
    onQueue(waiting.length);
  };
};

const QUERY_BY_POST = 'kairos:query-by-post';

/**
 * Marks a POST route that changes nothing, sent as POST because its input is too rich for a query
 * string: it queues with the queries. The routes so marked are collected at start-up
 * (`queriesByPost`), so a capability declares its own where the route is.
 */
export const QueryByPost = (): MethodDecorator => SetMetadata(QUERY_BY_POST, true);

/** Whether a route handler is marked QueryByPost. */
export const isQueryByPost = (handler: unknown): handler is Function => typeof handler === 'function' && Reflect.getMetadata(QUERY_BY_POST, handler) === true;

/** Whether a POST to a path (as the request names it, from the root) is a query. */
export type QueriesByPost = (path: string) => boolean;

/** The routes marked QueryByPost among `controllers`, by Nest's route metadata; `:name` segments match any one segment. */
export const queriesByPost = (controllers: Iterable<Type>): QueriesByPost => {
  const patterns: RegExp[] = [];
  for (const controller of controllers) {
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (!isQueryByPost(handler)) continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.POST) throw new Error(`${controller.name}.${name} is marked QueryByPost but is not a POST route`);
      for (const base of pathsOf(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) patterns.push(patternOf(`${base}/${path}`, `${controller.name}.${name}`));
      }
    }
  }
  return (path) => patterns.some((pattern) => pattern.test(path));
};

const pathsOf = (metadata: unknown): string[] => (Array.isArray(metadata) ? metadata.map(String) : [typeof metadata === 'string' ? metadata : '']);

const patternOf = (route: string, where: string): RegExp => {
  const segments = route.split('/').filter(Boolean);
  const sources = segments.map((segment) => {
    if (/^:\w+$/.test(segment)) return '[^/]+';
    if (!/^[\w.~-]+$/.test(segment)) throw new Error(`${where}: QueryByPost takes literal and :name segments only, not ${segment}`);
    return segment.replace(/\./g, '\\.');
  });
  return new RegExp(`^/${sources.join('/')}$`);
};

export type Lane = 'query' | 'command';

export const laneOf = (req: Pick<Request, 'method' | 'path'> & { baseUrl?: string }, isQuery: QueriesByPost): Lane =>
  req.method === 'GET' || req.method === 'HEAD' || (req.method === 'POST' && isQuery(`${req.baseUrl ?? ''}${req.path}`)) ? 'query' : 'command';

/**
 * Queries and commands queue apart, each lane with `limit` running at once: a read (a booking
 * page's availability, a client waiting to see its own write) never waits behind a burst of
 * checkouts, and commands keep their bounded concurrency.
 */
export const admissionLanes = (limit: number, isQuery: QueriesByPost, onQueue: (lane: Lane, waiting: number) => void = () => undefined) => {
  const lanes = { query: admission(limit, (waiting) => onQueue('query', waiting)), command: admission(limit, (waiting) => onQueue('command', waiting)) };
  return (req: Request, res: Response, next: NextFunction) => lanes[laneOf(req, isQuery)](req, res, next);
};
