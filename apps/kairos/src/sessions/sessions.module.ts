import { Module } from '@nestjs/common';
import { SESSION_HANDLERS } from './sessions.commands';
import { SessionsController } from './sessions.controller';
import { SESSION_QUERY_HANDLERS } from './sessions.queries';

@Module({ controllers: [SessionsController], providers: [...SESSION_HANDLERS, ...SESSION_QUERY_HANDLERS] })
export class SessionsModule {}
