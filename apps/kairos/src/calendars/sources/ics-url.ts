import { createHash } from 'node:crypto';
import { failureForStatus, httpRead } from './http-read';
import { busyOccurrences } from './ics-occurrences';
import { CalendarSource, ReadRequest, SourceAnswer, SourceOptions } from './source';

const DIGEST = 'sha256:';

/**
 * An iCalendar feed read over HTTP (webcal:// read as https://). The cursor is the feed's ETag, sent
 * back as If-None-Match so an unchanged feed costs a 304; a server without ETags gets a digest of
 * the body instead, so an unchanged body still records nothing. Every read of a changed feed is
 * the whole feed: a full snapshot of the window.
 */
export class IcsUrlSource implements CalendarSource {
  constructor(private readonly options: SourceOptions) {}

  async read({ connection, window, cursor, incremental, signal }: ReadRequest): Promise<SourceAnswer> {
    const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5', 'user-agent': 'Kairos calendar sync' };
    if (connection.username !== null || connection.secret !== null) {
      headers.authorization = `Basic ${Buffer.from(`${connection.username ?? ''}:${connection.secret ?? ''}`).toString('base64')}`;
    }
    const asked = incremental && cursor !== null && !cursor.startsWith(DIGEST);
    if (asked) headers['if-none-match'] = cursor;
    const answer = await httpRead({ url: connection.url, method: 'GET', headers, limits: this.options.limits, allowPrivateHosts: this.options.allowPrivateHosts, signal });
    if (answer.status === 304 && asked) return { kind: 'unchanged' };
    if (answer.status < 200 || answer.status > 299) throw failureForStatus(answer.status, 'the calendar feed cannot be read');
    const etag = answer.headers.etag ?? null;
    const next = etag ?? `${DIGEST}${createHash('sha256').update(answer.body).digest('hex')}`;
    if (incremental && next === cursor) return { kind: 'unchanged' };
    const occurrences = busyOccurrences(answer.body.toString('utf8'), {
      window,
      timeZone: connection.timeZone,
      ownerEmail: connection.ownerEmail,
      maxOccurrences: this.options.limits.maxOccurrences,
    });
    return { kind: 'read', snapshot: { kind: 'full', occurrences }, cursor: next };
  }
}
