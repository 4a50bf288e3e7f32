import { LoggerService } from '@nestjs/common';

type Level = 'error' | 'warn' | 'info' | 'debug' | 'verbose';

/** One JSON object per line on stdout: what log shippers expect, and greppable by field. */
export class JsonLogger implements LoggerService {
  constructor(private readonly minimum: Level = 'info') {}

  private write(level: Level, message: unknown, context?: unknown) {
    const order: Level[] = ['error', 'warn', 'info', 'debug', 'verbose'];
    if (order.indexOf(level) > order.indexOf(this.minimum)) return;
    const fields = typeof message === 'object' && message !== null ? message : { message };
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, context, ...fields })}\n`);
  }

  log(message: unknown, context?: string) {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string) {
    this.write('error', typeof message === 'object' ? { ...(message as object), trace } : { message, trace }, context);
  }
  warn(message: unknown, context?: string) {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string) {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string) {
    this.write('verbose', message, context);
  }
}
