import { Module } from '@nestjs/common';
import { BookingCascade } from './booking-cascade';
import { SessionClaims } from './session-claims';
import { SESSION_HANDLERS } from './sessions.commands';
import { SessionsController } from './sessions.controller';
import { SESSION_QUERY_HANDLERS } from './sessions.queries';

@Module({ controllers: [SessionsController], providers: [SessionClaims, BookingCascade, ...SESSION_HANDLERS, ...SESSION_QUERY_HANDLERS], exports: [SessionClaims, BookingCascade] })
export class SessionsModule {}
