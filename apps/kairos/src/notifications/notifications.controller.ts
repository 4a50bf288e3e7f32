import { Body, Controller, Delete, ExecutionContext, Get, Headers, Param, Patch, Put, Query, applyDecorators, createParamDecorator } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Request } from 'express';
import { DomainError } from '@kairos/core';
import { CHANNELS, Channel, NOTIFICATIONS, TRIGGERS, NotificationSettingsView, Trigger, customTemplate, isChannel, isTrigger } from '@kairos/notifications';
import { FieldFilter } from '@kairos/read-store';
import { ReadQueryDto, expectedRevision, minPositionOf } from '../http/common.dto';
import { Documented } from '../http/openapi/contract';
import { Positioned } from '../http/positioned';
import { Ctx, RequestContext } from '../http/request-context';
import { GetDocument, ListDocuments, ReadModelRef } from '../queries/read-models';
import { ChangeNotificationSettings, GetNotificationSettings } from './notification-settings.commands';
import { ListNotificationsDto, NotificationSettingsDto, NotificationTemplateDto, switchesOf } from './notifications.dto';
import { checkTemplate, templateFor } from './templates';

const NOTIFICATION_MODEL: ReadModelRef = { projection: 'notifications', collection: NOTIFICATIONS, noun: 'notification' };

interface TemplatePath {
  trigger: Trigger;
  channel: Channel;
}

/**
 * The trigger and channel a template route names. They are names, not ids, so they bypass the
 * pipe that takes every path parameter for a UUID; anything else names no template (404, as an
 * unknown id).
 */
const TemplateKey = createParamDecorator((_: unknown, host: ExecutionContext): TemplatePath => {
  const { trigger, channel } = host.switchToHttp().getRequest<Request>().params as Record<string, string>;
  if (!isTrigger(trigger)) throw new DomainError('not-found', `there is no trigger ${trigger}`, [{ field: 'trigger', reason: `one of ${TRIGGERS.join(', ')}` }]);
  if (!isChannel(channel)) throw new DomainError('not-found', `there is no channel ${channel}`, [{ field: 'channel', reason: `one of ${CHANNELS.join(', ')}` }]);
  return { trigger, channel };
});

const TemplateRoute = () => applyDecorators(ApiParam({ name: 'trigger', enum: TRIGGERS, description: 'What the message is about.' }), ApiParam({ name: 'channel', enum: CHANNELS, description: 'EMAIL or SMS.' }));

const templateView = (settings: NotificationSettingsView, trigger: Trigger, channel: Channel) => ({
  trigger,
  channel,
  ...templateFor(settings, trigger, channel),
  custom: customTemplate(settings, trigger, channel) !== null,
});

const asTemplate = ({ body, position }: Positioned<NotificationSettingsView>, trigger: Trigger, channel: Channel) => new Positioned(templateView(body, trigger, channel), position);

@ApiTags('notifications')
@Controller('v1')
export class NotificationsController {
  constructor(private readonly commands: CommandBus, private readonly queries: QueryBus) {}

  @Get('notification-settings')
  @Documented({ summary: "The tenant's notification settings: reminder lead time, sender name, channels per trigger, its own templates", answers: 'NotificationSettings' })
  settings(@Ctx() ctx: RequestContext, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetNotificationSettings(ctx, minPositionOf(query, min)));
  }

  @Put('notification-settings')
  @Documented({ summary: 'Change the notification settings; fields left out keep their value (as PATCH)', answers: 'NotificationSettings' })
  replaceSettings(@Ctx() ctx: RequestContext, @Body() dto: NotificationSettingsDto, @Headers('if-match') ifMatch?: string) {
    return this.changeSettings(ctx, dto, ifMatch);
  }

  @Patch('notification-settings')
  @Documented({ summary: 'Change some notification settings; switches left out keep their value', answers: 'NotificationSettings' })
  updateSettings(@Ctx() ctx: RequestContext, @Body() dto: NotificationSettingsDto, @Headers('if-match') ifMatch?: string) {
    return this.changeSettings(ctx, dto, ifMatch);
  }

  private changeSettings(ctx: RequestContext, dto: NotificationSettingsDto, ifMatch?: string) {
    const { reminderHoursBefore, senderName, enabled } = dto;
    return this.commands.execute(
      new ChangeNotificationSettings(ctx, { type: 'UpdateSettings', reminderHoursBefore, senderName, enabled: switchesOf(enabled), expectedRevision: expectedRevision(ifMatch, dto.revision) }),
    );
  }

  @Get('notification-templates/:trigger/:channel')
  @Documented({ summary: 'The template a trigger uses on a channel: the business\'s own, else the built-in one', answers: 'NotificationTemplate' })
  @TemplateRoute()
  async template(@Ctx() ctx: RequestContext, @TemplateKey() path: TemplatePath, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return asTemplate(await this.queries.execute(new GetNotificationSettings(ctx, minPositionOf(query, min))), path.trigger, path.channel);
  }

  @Put('notification-templates/:trigger/:channel')
  @Documented({ summary: 'Write the template a trigger uses on a channel (Handlebars; refused when it does not parse or names an unknown placeholder)', answers: 'NotificationTemplate' })
  @TemplateRoute()
  async putTemplate(@Ctx() ctx: RequestContext, @TemplateKey() path: TemplatePath, @Body() dto: NotificationTemplateDto) {
    if (path.channel === 'EMAIL' && !dto.subject) throw new DomainError('validation', 'an email template needs a subject', [{ field: 'subject', reason: 'required for EMAIL' }]);
    const template = { subject: path.channel === 'EMAIL' ? dto.subject! : null, body: dto.body };
    checkTemplate(template);
    return asTemplate(await this.commands.execute(new ChangeNotificationSettings(ctx, { type: 'PutTemplate', ...path, template })), path.trigger, path.channel);
  }

  @Delete('notification-templates/:trigger/:channel')
  @Documented({ summary: "Drop the business's template: the trigger goes back to the built-in one", answers: 'NotificationTemplate' })
  @TemplateRoute()
  async deleteTemplate(@Ctx() ctx: RequestContext, @TemplateKey() path: TemplatePath) {
    return asTemplate(await this.commands.execute(new ChangeNotificationSettings(ctx, { type: 'DeleteTemplate', ...path })), path.trigger, path.channel);
  }

  @Get('notifications/:id')
  @Documented({ summary: 'A notification in the delivery log: its status, attempts and provider answers', answers: 'Notification' })
  get(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: ReadQueryDto, @Headers('kairos-min-position') min?: string) {
    return this.queries.execute(new GetDocument(ctx, NOTIFICATION_MODEL, id, minPositionOf(query, min)));
  }

  @Get('notifications')
  @Documented({ summary: 'The delivery log, oldest first, filtered by contact, booking, status, trigger or channel', answers: { pageOf: 'Notification' } })
  list(@Ctx() ctx: RequestContext, @Query() query: ListNotificationsDto, @Headers('kairos-min-position') min?: string) {
    const where: Record<string, FieldFilter> = {};
    for (const field of ['contactId', 'bookingId', 'status', 'trigger', 'channel'] as const) if (query[field] !== undefined) where[field] = query[field];
    // Notifications are never deleted: includeDeleted has nothing to hide.
    return this.queries.execute(new ListDocuments(ctx, NOTIFICATION_MODEL, where, { ...query, includeDeleted: true }, minPositionOf(query, min)));
  }
}
