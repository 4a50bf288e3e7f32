import { ApiProperty } from '@nestjs/swagger';
import { Matches, ValidateBy } from 'class-validator';
import { isCurrency, isExactMoney } from '@kairos/memberships';

export class MoneyDto {
  @ApiProperty({ example: '25.00', description: "Decimal string, never a float, with at most the currency's minor digits (2 for EUR, 0 for JPY)." })
  @Matches(/^\d{1,12}(\.\d{1,4})?$/, { message: 'amount must be a decimal string such as 25.00' })
  // Every price is sold in whole minor units, so one the currency cannot express is refused when it is set.
  @ValidateBy({
    name: 'exactInCurrency',
    validator: {
      validate: (amount: unknown, args) => {
        const { currency } = args!.object as MoneyDto;
        return typeof amount !== 'string' || !isCurrency(currency) || isExactMoney({ amount, currency });
      },
      defaultMessage: (args) => `amount must have at most the decimals of ${(args!.object as MoneyDto).currency}`,
    },
  })
  amount!: string;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217 code.' })
  // ISO 4217 codes are three capitals, so one check answers once for a malformed code and an unknown one.
  @ValidateBy({ name: 'isoCurrency', validator: { validate: (code: unknown) => typeof code === 'string' && isCurrency(code), defaultMessage: () => 'currency must be an ISO 4217 code such as EUR' } })
  currency!: string;
}
