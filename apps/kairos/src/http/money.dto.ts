import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class MoneyDto {
  @ApiProperty({ example: '25.00', description: 'Decimal string, never a float.' })
  @Matches(/^\d{1,12}(\.\d{1,4})?$/, { message: 'amount must be a decimal string such as 25.00' })
  amount!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code.' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency!: string;
}
