import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { DomainError, newId } from '@kairos/core';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext, notifying } from '../http/request-context';
import { CancelSession, CreateSession, UpdateSession } from './sessions.commands';
import { CancelSessionDto, CreateSessionDto, ListSessionsDto, UpdateSessionDto, sessionDetailsOf, sessionInputOf } from './sessions.dto';
import { GetSession, ListSessions } from './sessions.queries';
import { Documented, REFUSALS } from '../http/openapi/contract';

@ApiTags('sessions')
@Controller('v1')
export class SessionsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post('schedules/:scheduleId/sessions')
  @Documented({
    summary: 'Create a single or recurring session on a schedule; 409 slot-taken when a busy instance would overlap a booking or busy session of its resources',
    answers: 'Session',
    refuses: {
      ...REFUSALS.takenId,
      'not-found': 'a resource, affected schedule or the location names nothing of this tenant',
      'slot-taken': 'a busy instance would overlap a booking or busy session of its resources',
      ...REFUSALS.notLive,
    },
  })
  create(@Ctx() ctx: RequestContext, @Param('scheduleId') scheduleId: string, @Body() dto: CreateSessionDto) {
    return this.commands.execute(new CreateSession(notifying(ctx, dto.participantNotification), scheduleId, dto.id ?? newId(), sessionInputOf(dto)));
  }

  @Get('sessions')
  @Documented({ summary: 'Instances in a time range, expanded, by start', answers: { pageOf: 'SessionInstance' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListSessionsDto, @Headers('kairos-min-position') min?: string) {
    const from = new Date(query.from);
    const to = new Date(query.to);
    if (to <= from) throw new DomainError('validation', 'to must be after from', [{ field: 'to', reason: 'not after from' }]);
    if (!query.scheduleId?.length && !query.affectsScheduleId) {
      throw new DomainError('validation', 'give scheduleId or affectsScheduleId', [{ field: 'scheduleId', reason: 'required without affectsScheduleId' }]);
    }
    return this.queries.execute(
      new ListSessions(
        ctx,
        { scheduleIds: query.scheduleId, affectsScheduleId: query.affectsScheduleId, from, to, type: query.type, limit: query.limit, cursor: query.cursor },
        minPositionOf(query, min),
      ),
    );
  }

  @Get('sessions/:id')
  @Documented({ summary: 'A session by its own id (single or series), or one instance by its instance id', answers: { oneOf: ['Session', 'SessionInstance'] } })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetSession(ctx, id, minPositionOf(query, min)));
  }

  @Patch('sessions/:id')
  @Documented({
    summary: 'Instance id: that instance (scope FOLLOWING: it and the rest); series id: instances not yet started',
    answers: { oneOf: ['Session', 'SessionInstance'] },
    location: 'scope FOLLOWING: the series that continues from the instance, which the answer shows',
    refuses: {
      'not-found': 'a resource, affected schedule or the location names nothing of this tenant',
      'slot-taken': 'a busy instance would overlap a booking or busy session of its resources',
      ...REFUSALS.notLive,
    },
  })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateSessionDto, @Headers('if-match') ifMatch?: string) {
    const change = { details: sessionDetailsOf(dto), localStart: dto.localStart, localEnd: dto.localEnd, scope: dto.scope };
    return this.commands.execute(new UpdateSession(notifying(ctx, dto.participantNotification), id, change, expectedRevision(ifMatch, dto.revision)));
  }

  @Post('sessions/:id/cancel')
  @HttpCode(200)
  @Documented({ summary: 'Cancel an instance, or a series from an instant on; their bookings are canceled', answers: 'Session', refuses: REFUSALS.notLive })
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: CancelSessionDto) {
    return this.commands.execute(new CancelSession(notifying(ctx, dto.participantNotification), id, dto.from));
  }
}
