import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { FieldFilter } from '@kairos/read-store';
import { newId } from '@kairos/core';
import { RESOURCES } from '@kairos/resources';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { CreateResource, DeleteResource, UpdateResource } from './resources.commands';
import { CreateResourceDto, ListResourcesDto, UpdateResourceDto, resourceFieldsOf, resourcePatchOf } from './resources.dto';
import { Documented, REFUSALS } from '../http/openapi/contract';

const RESOURCE_MODEL: ReadModelRef = { projection: 'resources', collection: RESOURCES, noun: 'resource' };

@ApiTags('resources')
@Controller('v1/resources')
export class ResourcesController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({ summary: 'Create a staff member, room or piece of equipment (and its schedule)', answers: 'Resource', refuses: REFUSALS.takenId })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateResourceDto) {
    return this.commands.execute(new CreateResource(ctx, dto.id ?? newId(), resourceFieldsOf(dto)));
  }

  @Get(':id')
  @Documented({ summary: 'A resource', answers: 'Resource' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, RESOURCE_MODEL, id, minPositionOf(query, min)));
  }

  @Get()
  @Documented({ summary: 'Resources, filtered by type or tag', answers: { pageOf: 'Resource' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListResourcesDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    if (query.type) where.type = query.type;
    if (query.tag) where.tags = { contains: query.tag };
    return this.queries.execute(new ListDocuments(ctx, RESOURCE_MODEL, where, query, minPositionOf(query, min)));
  }

  @Patch(':id')
  @Documented({ summary: "Change a resource's fields (not its type)", answers: 'Resource', refuses: REFUSALS.notLive })
  update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() dto: UpdateResourceDto, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new UpdateResource(ctx, id, resourcePatchOf(dto), expectedRevision(ifMatch, dto.revision)));
  }

  @Delete(':id')
  @HttpCode(200)
  @Documented({
    summary: 'Soft-delete; 409 has-future-bookings while a booking or BUSY session holds it in the future',
    answers: 'Resource',
    refuses: { 'has-future-bookings': 'a booking or BUSY session holds it in the future', ...REFUSALS.notLive },
  })
  delete(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('if-match') ifMatch?: string) {
    return this.commands.execute(new DeleteResource(ctx, id, expectedRevision(ifMatch, undefined)));
  }
}
