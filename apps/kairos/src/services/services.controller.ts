import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { FieldFilter } from '@kairos/read-store';
import { newId } from '@kairos/core';
import { SERVICES } from '@kairos/services';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { CreateServiceDto, ListServicesDto, UpdateServiceDto, serviceFieldsOf, servicePatchOf } from './services.dto';
import { CreateService, DeleteService, UpdateService } from './services.commands';
import { Documented, REFUSALS } from '../http/openapi/contract';

const SERVICE_MODEL: ReadModelRef = { projection: 'services', collection: SERVICES, noun: 'service' };

@ApiTags('services')
@Controller('v1/services')
export class ServicesController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({
    summary: 'Create a service (and its schedule)',
    answers: 'Service',
    refuses: { ...REFUSALS.takenId, 'not-found': 'bookingPolicyId, a resource or a location names nothing of this tenant' },
  })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateServiceDto) {
    return this.commands.execute(new CreateService(ctx, dto.id ?? newId(), serviceFieldsOf(dto), dto.timeZone ?? 'UTC'));
  }

  @Get(':id')
  @Documented({ summary: 'A service', answers: 'Service' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, SERVICE_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Services, filtered by type, visibility, category or resource', answers: { pageOf: 'Service' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListServicesDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.type) where.type = query.type;
    if (query.hidden !== undefined) where.hidden = query.hidden;
    if (query.category) where.category = query.category;
    if (query.resourceId) where._resourceIds = { contains: query.resourceId };
    return this.queries.execute(new ListDocuments(ctx, SERVICE_MODEL, where, query, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({
    summary: "Change a service's fields (not its type)",
    answers: 'Service',
    refuses: { 'not-found': 'bookingPolicyId, a resource or a location names nothing of this tenant', ...REFUSALS.notLive },
  })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateServiceDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new UpdateService(ctx, id, servicePatchOf(dto), expectedRevision(ifMatch, dto.revision)));
  }

  @Delete(':id')
  @HttpCode(200)
  @Documented({
    summary: 'Soft-delete; 409 has-future-bookings while future bookings exist',
    answers: 'Service',
    refuses: { 'has-future-bookings': 'future CONFIRMED or PENDING bookings exist', ...REFUSALS.notLive },
  })
  delete(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DeleteService(ctx, id, expectedRevision(ifMatch, undefined)));
  }
}
