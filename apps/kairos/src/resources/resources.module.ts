import { Module } from '@nestjs/common';
import { RESOURCE_HANDLERS } from './resources.commands';
import { ResourcesController } from './resources.controller';

@Module({ controllers: [ResourcesController], providers: [...RESOURCE_HANDLERS] })
export class ResourcesModule {}
