import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Response } from 'express';
import { Observable, map } from 'rxjs';

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

/** Puts a Positioned answer on the wire: `Kairos-Position` for read-your-writes, `Location` for creates. */
@Injectable()
export class PositionInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof Positioned)) return result;
        if (result.position !== null) res.setHeader('Kairos-Position', String(result.position));
        if (result.location) res.setHeader('Location', result.location);
        return result.body;
      }),
    );
  }
}
