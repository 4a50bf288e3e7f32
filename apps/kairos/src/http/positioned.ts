import { ExpressAdapter } from '@nestjs/platform-express';
import { Response } from 'express';

/**
 * An answer with its place in the global log: for a write, the position of its last event; for a
 * query, the position the read model had reached.
 */
export class Positioned<T = unknown> {
  constructor(
    readonly body: T,
    readonly position: number | null,
    readonly location?: string,
  ) {}
}

/**
 * Puts a Positioned answer on the wire: `Kairos-Position` for read-your-writes, `Location` for creates.
 * Done where Nest hands a route's result to Express rather than in a global interceptor: with any
 * interceptor at all, Nest runs every request through rxjs operators and async-context binds, a
 * tenth of the request thread's CPU under load, for what is two headers.
 */
export class PositionedExpressAdapter extends ExpressAdapter {
  override reply(response: Response, body: unknown, statusCode?: number) {
    if (!(body instanceof Positioned)) return super.reply(response, body, statusCode);
    if (body.position !== null) response.setHeader('Kairos-Position', String(body.position));
    if (body.location) response.setHeader('Location', body.location);
    return super.reply(response, body.body, statusCode);
  }
}
