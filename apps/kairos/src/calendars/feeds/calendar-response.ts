import { createHash } from 'node:crypto';
import { Request, Response } from 'express';

/** Whether If-None-Match names this ETag (or `*`), as RFC 9110 §13.1.2 compares them: weakly. */
const matches = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });

/**
 * Sends a calendar with a strong ETag of its bytes: a calendar app polling an unchanged feed gets
 * 304 and no body. `private, max-age=0`: the feed is one person's, and may change at any moment.
 */
export const sendCalendar = (req: Request, res: Response, body: string, position: number | null) => {
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, max-age=0');
  if (position !== null) res.setHeader('Kairos-Position', String(position));
  if (matches(req.header('If-None-Match'), etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).type('text/calendar; charset=utf-8').send(body);
};
