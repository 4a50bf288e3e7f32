import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { asyncApiDocument } from '@kairos/publisher/asyncapi/asyncapi';
import { EVENT_ROUTES } from '../capabilities';
import { eventExamples } from '../events/event-examples';
import { Open } from '../http/context.guard';

/** The AsyncAPI 3.0 description of every event published to Kafka: the contract for consumers, no tenant needed. */
@ApiExcludeController()
@Open()
@Controller()
export class AsyncApiController {
  private readonly document = asyncApiDocument(EVENT_ROUTES, eventExamples(EVENT_ROUTES));

  @Get('asyncapi')
  asyncapi() {
    return this.document;
  }
}
