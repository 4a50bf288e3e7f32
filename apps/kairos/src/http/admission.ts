import { NextFunction, Request, Response } from 'express';

/**
 * Lets at most `limit` requests run at once; the others wait their turn in arrival order. Past a
 * point more concurrency buys nothing on one event loop: it only lengthens the queue every request
 * and the projection runners wait in, so read models and Kafka fall seconds behind. A request
 * whose client left while waiting is skipped.
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

/** Queries sent as POST, because their input is too rich for a query string; they change nothing. */
const QUERIES_BY_POST = new Set(['/availability/query', '/booking-policies/strictest']);

export type Lane = 'query' | 'command';

export const laneOf = (req: Request): Lane =>
  req.method === 'GET' || req.method === 'HEAD' || (req.method === 'POST' && QUERIES_BY_POST.has(req.path)) ? 'query' : 'command';

/**
 * Queries and commands queue apart, each lane with `limit` running at once: a read (a booking
 * page's availability, a client waiting to see its own write) never waits behind a burst of
 * checkouts, and commands keep their bounded concurrency.
 */
export const admissionLanes = (limit: number, onQueue: (lane: Lane, waiting: number) => void = () => undefined) => {
  const lanes = { query: admission(limit, (waiting) => onQueue('query', waiting)), command: admission(limit, (waiting) => onQueue('command', waiting)) };
  return (req: Request, res: Response, next: NextFunction) => lanes[laneOf(req)](req, res, next);
};
