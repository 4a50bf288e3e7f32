import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { CALENDAR_CONNECTIONS } from '@kairos/calendars';
import { newId } from '@kairos/core';
import { BusinessOnlyGuard } from '../../clients/business-only.guard';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../../http/common.dto';
import { Documented, REFUSALS } from '../../http/openapi/contract';
import { Ctx, RequestContext } from '../../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../../queries/read-models';
import { DecideConnection } from './calendar-connections.commands';
import { CreateConnectionDto, ListConnectionsDto, UpdateConnectionDto, connectionPatchOf } from './calendar-connections.dto';
import { SyncConnection } from './sync-connection';

const CONNECTION_MODEL: ReadModelRef = { projection: 'calendars', collection: CALENDAR_CONNECTIONS, noun: 'calendar connection' };

/** A resource's calendars, their URLs and credentials are the business's: every route refuses a CUSTOMER. */
const BUSINESS_ONLY = { forbidden: 'a CUSTOMER' };

@ApiTags('calendar-connections')
@Controller('v1/calendar-connections')
@UseGuards(BusinessOnlyGuard)
export class CalendarConnectionsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({
    summary: "Connect a resource's external calendar; it is read at once, then every syncIntervalMinutes, and its busy time blocks the resource",
    answers: 'CalendarConnection',
    refuses: { ...BUSINESS_ONLY, ...REFUSALS.takenId, 'not-found': 'resourceId names no resource of this tenant' },
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateConnectionDto) {
    const id = dto.id ?? newId();
    const { resourceId, name, source, url } = dto;
    const fields = { resourceId, name, source, url, username: dto.username ?? null, ownerEmail: dto.ownerEmail ?? null, timeZone: dto.timeZone ?? null, syncIntervalMinutes: dto.syncIntervalMinutes ?? 15, writeBack: dto.writeBack ?? false };
    return this.commands.execute(new DecideConnection(ctx, id, { type: 'Create', connection: { fields, secret: dto.secret ?? null } }));
  }

  @Get(':id')
  @Documented({ summary: 'A calendar connection with its last sync (never its secret)', answers: 'CalendarConnection', refuses: BUSINESS_ONLY })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, CONNECTION_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Calendar connections, of one resource if asked', answers: { pageOf: 'CalendarConnection' }, refuses: BUSINESS_ONLY })
  list(@Ctx() ctx: RequestContext, @Query() query: ListConnectionsDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListDocuments(ctx, CONNECTION_MODEL, query.resourceId ? { resourceId: query.resourceId } : {}, query, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: 'Change a calendar connection; another URL, account, owner or zone is read again whole, at once', answers: 'CalendarConnection', refuses: { ...BUSINESS_ONLY, ...REFUSALS.notLive } })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateConnectionDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideConnection(ctx, id, { type: 'Update', ...connectionPatchOf(dto), expectedRevision: expectedRevision(ifMatch, dto.revision) }));
  }

  @Delete(':id')
  @Documented({ summary: 'Remove a calendar connection: the busy time still ahead that it brought is given back in the same write', answers: 'CalendarConnection', refuses: BUSINESS_ONLY })
  remove(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DecideConnection(ctx, id, { type: 'Delete', expectedRevision: expectedRevision(ifMatch, undefined) }));
  }

  @Post(':id/sync')
  @HttpCode(200)
  @Documented({
    summary:
      'Read the calendar now (joining a sync already under way). A calendar that could not be read still answers 200, outcome FAILED with its reason: the request worked, the calendar did not; what it brought before stays',
    answers: 'CalendarSync',
    refuses: { ...BUSINESS_ONLY, ...REFUSALS.notLive },
  })
  sync(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.commands.execute(new SyncConnection(ctx, id));
  }
}
