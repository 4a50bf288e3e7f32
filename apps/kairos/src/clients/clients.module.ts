import { Module } from '@nestjs/common';
import { CONTACT_COMMAND_HANDLERS } from './contacts.commands';
import { ContactsController } from './contacts.controller';

@Module({
  controllers: [ContactsController],
  providers: [...CONTACT_COMMAND_HANDLERS],
})
export class ClientsModule {}
