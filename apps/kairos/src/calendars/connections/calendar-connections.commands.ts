import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConnectionCommand, ConnectionDoc, ConnectionEvent, ConnectionFields, ConnectionPatch, ConnectionState, SourceKind, connectionDecider, connectionStream } from '@kairos/calendars';
import { DomainError, fold } from '@kairos/core';
import { resourceDecider, resourceStream } from '@kairos/resources';
import { scheduleDecider, scheduleStream } from '@kairos/scheduling';
import { Positioned } from '../../http/positioned';
import { RequestContext } from '../../http/request-context';
import { Attempt, handleCommand, streamOf } from '../../infrastructure/command-handling';
import { EventSourcing } from '../../infrastructure/event-sourcing';
import { BlockChange, externalBusyClaims } from './external-busy-claims';

/** What POST asks for; the zone defaults to the resource schedule's. */
export interface NewConnection {
  fields: Omit<ConnectionFields, 'timeZone'> & { timeZone: string | null };
  secret: string | null;
}

export type ConnectionRequest =
  | { type: 'Create'; connection: NewConnection }
  | { type: 'Update'; patch: ConnectionPatch; secret?: string | null; expectedRevision?: number }
  | { type: 'Delete'; expectedRevision?: number };

export class DecideConnection {
  constructor(readonly ctx: RequestContext, readonly id: string, readonly request: ConnectionRequest) {}
}

/** The connection as GET shows it: its view, its last outcome and the blocks it holds; never its secret. */
export const connectionDocOf = (state: ConnectionState): ConnectionDoc | null =>
  state.status === 'none' ? null : { ...state.view, lastSync: state.lastOutcome, blockCount: state.blocks.size };

/** The busy time a decision adds and gives back, for the claims that go with it. */
export const blockChangeOf = (events: ConnectionEvent[]): BlockChange => {
  const change: BlockChange = { added: [], removed: [] };
  for (const event of events) {
    if (event.type !== 'external-busy.synced') continue;
    change.added.push(...event.data.added);
    change.removed.push(...event.data.removed);
  }
  return change;
};

/** ICS and CalDAV read a URL (http or https, and webcal for ICS; which hosts may be read is decided when it is read); Google reads a calendar id. */
const checkAddress = (source: SourceKind, url: string) => {
  if (source === 'GOOGLE') {
    if (/[\s/]/.test(url)) throw new DomainError('validation', 'a Google calendar id has no spaces or slashes', [{ field: 'url', reason: 'not a Google calendar id' }]);
    return;
  }
  let parsed: URL | null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  // A calendar app's subscription link is webcal:// (or webcals://): an ICS feed read over https.
  const schemes = source === 'ICS' ? ['http:', 'https:', 'webcal:', 'webcals:'] : ['http:', 'https:'];
  if (!parsed || !schemes.includes(parsed.protocol) || !parsed.hostname) {
    throw new DomainError('validation', `${source} calendars are read from an ${schemes.map((s) => s.slice(0, -1)).join(' or ')} URL`, [{ field: 'url', reason: `not an ${schemes.map((s) => s.slice(0, -1)).join(' or ')} URL` }]);
  }
  // The URL is answered, published and named in a failed sync's detail: a password in it would be too.
  if (parsed.username || parsed.password) {
    throw new DomainError('validation', 'a calendar URL carries no credentials: the account goes in username, the password in secret', [{ field: 'url', reason: 'has a user name or password' }]);
  }
};

/** The domain command a request makes, with what it needs from the resource and its schedule. */
const commandOf = async (attempt: Attempt, tenant: string, id: string, request: ConnectionRequest, before: ConnectionState): Promise<ConnectionCommand> => {
  switch (request.type) {
    case 'Create': {
      const { fields, secret } = request.connection;
      const resource = await attempt.read(streamOf(resourceStream(tenant, fields.resourceId), resourceDecider));
      if (resource.status !== 'ACTIVE') throw new DomainError('not-found', `resource ${fields.resourceId} does not exist`, [{ field: 'resourceId', reason: 'no such resource' }]);
      checkAddress(fields.source, fields.url);
      const { scheduleId } = resource.view;
      const schedule = await attempt.read(streamOf(scheduleStream(tenant, scheduleId), scheduleDecider));
      const timeZone = fields.timeZone ?? (schedule.status === 'none' ? 'UTC' : schedule.view.timeZone);
      return { type: 'CreateConnection', id, fields: { ...fields, timeZone }, scheduleId, secret };
    }
    case 'Update':
      if (request.patch.url !== undefined && before.status !== 'none') checkAddress(before.view.source, request.patch.url);
      return { type: 'UpdateConnection', patch: request.patch, ...(request.secret !== undefined ? { secret: request.secret } : {}), expectedRevision: request.expectedRevision };
    case 'Delete':
      return { type: 'DeleteConnection', expectedRevision: request.expectedRevision };
  }
};

@CommandHandler(DecideConnection)
export class DecideConnectionHandler implements ICommandHandler<DecideConnection, Positioned<ConnectionDoc | null>> {
  constructor(private readonly es: EventSourcing) {}

  execute({ ctx, id, request }: DecideConnection) {
    const connection = streamOf(connectionStream(ctx.tenant, id), connectionDecider);
    return handleCommand(this.es, ctx, async (attempt) => {
      const before = await attempt.read(connection);
      const command = await commandOf(attempt, ctx.tenant, id, request, before);
      // Decided once here on the state the append will expect, to name the claim streams a deletion gives back.
      const resourceId = before.status === 'none' ? null : before.view.resourceId;
      const claims = resourceId === null ? [] : externalBusyClaims.streams(ctx.tenant, resourceId, blockChangeOf(connectionDecider.decide(command, before, { now: attempt.now })), attempt.now);
      return {
        streams: [connection, ...claims],
        decide: (states, now) => {
          const state = states.of(connection);
          const events = connectionDecider.decide(command, state, { now });
          const after = fold(connectionDecider, events, state);
          return {
            appends: [{ streamId: connection.streamId, events }, ...(resourceId === null ? [] : externalBusyClaims.decide(states, ctx.tenant, resourceId, blockChangeOf(events), now))],
            answer: connectionDocOf(after),
            location: request.type === 'Create' ? `/v1/calendar-connections/${id}` : undefined,
          };
        },
      };
    });
  }
}
