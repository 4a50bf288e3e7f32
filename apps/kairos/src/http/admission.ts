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
