import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString } from 'class-validator';
import { FieldFilter } from '@kairos/read-store';
import { SCHEDULES, businessScheduleIdOf } from '@kairos/scheduling';
import { ListQueryDto, ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext, notifying } from '../http/request-context';
import { Optional } from '../http/validators';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { CancelSchedule, UpdateSchedule } from './schedules.commands';
import { CancelScheduleDto, UpdateScheduleDto, schedulePatchOf } from './schedules.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';

const SCHEDULE_MODEL: ReadModelRef = { projection: 'scheduling', collection: SCHEDULES, noun: 'schedule' };

export class ListSchedulesDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Schedules of this owner (a service, a resource).' }) @Optional() @IsString() ownerId?: string;
  @ApiPropertyOptional({ enum: ['SERVICE', 'RESOURCE', 'BUSINESS'], description: 'Schedules whose owner is of this kind.' }) @Optional() @IsIn(['SERVICE', 'RESOURCE', 'BUSINESS']) ownerType?: string;
  @ApiPropertyOptional({ enum: ['INDIVIDUAL', 'GROUP', 'COURSE'], description: 'Schedules carrying this tag.' }) @Optional() @IsIn(['INDIVIDUAL', 'GROUP', 'COURSE']) tag?: string;
}

/** Services and resources create their schedules; here they are read, given hours and links, and canceled. */
@ApiTags('schedules')
@Controller('v1/schedules')
export class SchedulesController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Get('business')
  @Documented({ summary: "The business's schedule: its opening hours", answers: 'Schedule', refuses: { 'not-found': 'the tenant has no business schedule yet' } })
  business(@Ctx() ctx: RequestContext, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, SCHEDULE_MODEL, businessScheduleIdOf(ctx.tenant), minPositionOf(query, min)));
  }

  @Get(':id')
  @Documented({ summary: 'A schedule', answers: 'Schedule' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, SCHEDULE_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Schedules, filtered by owner or tag', answers: { pageOf: 'Schedule' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListSchedulesDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.ownerId) where.ownerId = query.ownerId;
    if (query.ownerType) where.ownerType = query.ownerType;
    if (query.tag) where.tags = { contains: query.tag };
    // Schedules are canceled, never deleted.
    return this.queries.execute(new ListDocuments(ctx, SCHEDULE_MODEL, where, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({
    summary: "Change a schedule's working hours, links, capacity or location (a link cycle is 400)",
    answers: 'Schedule',
    refuses: { 'not-found': 'a linked schedule or the location names nothing of this tenant', ...REFUSALS.notLive },
  })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateScheduleDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new UpdateSchedule(ctx, id, schedulePatchOf(dto), expectedRevision(ifMatch, dto.revision)));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Documented({ summary: 'Cancel a schedule, its future sessions and their bookings', answers: 'Schedule', refuses: REFUSALS.notLive })
  cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: CancelScheduleDto) {
    return this.commands.execute(new CancelSchedule(notifying(ctx, dto.participantNotification), id));
  }
}
