import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { newId } from '@kairos/core';
import { BusinessOnlyGuard } from '../../clients/business-only.guard';
import { Open } from '../../http/context.guard';
import { ReadQueryDto, minPositionOf } from '../../http/common.dto';
import { Documented } from '../../http/openapi/contract';
import { Positioned } from '../../http/positioned';
import { Ctx, RequestContext } from '../../http/request-context';
import { IssueCalendarFeed, RevokeCalendarFeed } from './calendar-feeds.commands';
import { IssueCalendarFeedDto, ListCalendarFeedsDto } from './calendar-feeds.dto';
import { CalendarByToken, ContactCalendar, GetCalendarFeed, ListCalendarFeeds, ResourceCalendar } from './calendar-feeds.queries';
import { sendCalendar } from './calendar-response';

const CONTACT_SCOPE = { forbidden: 'a CUSTOMER, for a CONTACT feed' };

@ApiTags('calendar-feeds')
@Controller('v1/calendar-feeds')
export class CalendarFeedsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Post()
  @Documented({
    summary: 'Issue a secret calendar URL for a resource or a contact; the token is answered once, here',
    answers: 'IssuedCalendarFeed',
    refuses: { ...CONTACT_SCOPE, 'not-found': 'ownerId names no resource or contact (of the scope) of this tenant' },
  })
  issue(@Ctx() ctx: RequestContext, @Body() dto: IssueCalendarFeedDto) {
    return this.commands.execute(new IssueCalendarFeed(ctx, newId(), dto.scope, dto.ownerId, dto.name ?? null));
  }

  @Get()
  @Documented({ summary: 'Calendar feeds, by scope and owner (a CUSTOMER sees RESOURCE feeds only)', answers: { pageOf: 'CalendarFeed' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListCalendarFeedsDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new ListCalendarFeeds(ctx, { scope: query.scope, ownerId: query.ownerId, limit: query.limit, cursor: query.cursor }, minPositionOf(query, min)));
  }

  @Get(':id')
  @Documented({ summary: 'A calendar feed (never its token)', answers: 'CalendarFeed', refuses: CONTACT_SCOPE })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetCalendarFeed(ctx, id, minPositionOf(query, min)));
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Documented({ summary: 'Revoke a calendar feed: its URL answers 404 from now on', answers: 'CalendarFeed', refuses: CONTACT_SCOPE })
  revoke(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return this.commands.execute(new RevokeCalendarFeed(ctx, id));
  }
}

@ApiTags('calendar-feeds')
@Controller('v1/resources')
export class ResourceCalendarController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/calendar.ics')
  @Documented({ summary: "A resource's sessions as iCalendar (RFC 5545): series as RRULE with their exceptions, cancellations as STATUS:CANCELLED", answers: 'Calendar' })
  async calendar(@Req() req: Request, @Res() res: Response, @Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    const calendar: Positioned<string> = await this.queries.execute(new ResourceCalendar(ctx.tenant, id, minPositionOf(query, min)));
    sendCalendar(req, res, calendar.body, calendar.position);
  }
}

@ApiTags('calendar-feeds')
@Controller('v1/contacts')
@UseGuards(BusinessOnlyGuard)
export class ContactCalendarController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/calendar.ics')
  @Documented({ summary: "A contact's bookings as iCalendar (RFC 5545), with the UIDs and SEQUENCEs of their emails' invitations", answers: 'Calendar', refuses: { forbidden: 'a CUSTOMER' } })
  async calendar(@Req() req: Request, @Res() res: Response, @Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    const calendar: Positioned<string> = await this.queries.execute(new ContactCalendar(ctx.tenant, id, minPositionOf(query, min)));
    sendCalendar(req, res, calendar.body, calendar.position);
  }
}

/**
 * The secret URL a calendar app subscribes to: no tenant, no token header (apps send none); the
 * token in the path is the credential. Read raw from the path, not as a parameter: parameters are
 * UUIDs, and the token must not reach a log or an error's field.
 */
@ApiTags('calendar-feeds')
@Controller('v1/feeds')
@Open()
export class FeedByTokenController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':token.ics')
  @ApiParam({ name: 'token', type: String })
  @Documented({ summary: 'The calendar a secret feed URL shows, with no other credential; an unknown or revoked token answers 404', answers: 'Calendar', open: 'the secret token the feed was issued with' })
  async calendar(@Req() req: Request, @Res() res: Response) {
    const body: string = await this.queries.execute(new CalendarByToken(String(req.params.token)));
    sendCalendar(req, res, body, null);
  }
}

export const CALENDAR_FEED_CONTROLLERS = [CalendarFeedsController, ResourceCalendarController, ContactCalendarController, FeedByTokenController];
