import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { CancelEffective, PaymentStatus, PlanOrderStatus } from '@kairos/memberships';
import { ListQueryDto } from '../http/common.dto';
import { IsInstant, Optional } from '../http/validators';
import { COUPON_CODE } from './coupons.dto';

const ORDER_STATUSES = ['PENDING', 'ACTIVE', 'PAUSED', 'ENDED', 'CANCELED'];
const REPORTED_PAYMENT_STATUSES = ['NOT_PAID', 'PAID', 'PARTIALLY_PAID', 'REFUNDED'];

export class PurchasePlanDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Chosen by the caller; a taken id is 409.' })
  @Optional()
  @IsUUID()
  id?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  planId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  contactId!: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the order begins; now when absent, never in the past.' })
  @Optional()
  @IsInstant()
  startsAt?: string;

  @ApiPropertyOptional({ example: 'SPRING10', description: "A coupon taken off the plan's price, matched whatever its case; its use is given back if the order is canceled." })
  @Optional()
  @Matches(COUPON_CODE, { message: 'couponCode must be 3–40 letters, digits, - or _' })
  couponCode?: string;
}

export class ReasonDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @Optional()
  @IsString()
  @Length(0, 500)
  reason?: string;
}

export class CancelPlanOrderDto extends ReasonDto {
  @ApiProperty({ enum: ['NOW', 'END_OF_CYCLE'], description: 'NOW, or when the running cycle ends (the order stays ACTIVE until then).' })
  @IsIn(['NOW', 'END_OF_CYCLE'])
  effective!: CancelEffective;
}

export class PlanOrderPaymentDto {
  @ApiProperty({ enum: REPORTED_PAYMENT_STATUSES, description: 'As the payment provider reports it; PAID starts a PENDING order.' })
  @IsIn(REPORTED_PAYMENT_STATUSES)
  paymentStatus!: Exclude<PaymentStatus, 'EXEMPT'>;

  @ApiProperty({ minimum: 0, maximum: 1e12, example: 3000, description: 'In minor units of the order price currency.' })
  @IsInt()
  @Min(0)
  @Max(1e12)
  amountPaid!: number;
}

export class ListPlanOrdersDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Orders of this contact.' }) @Optional() @IsString() contactId?: string;
  @ApiPropertyOptional({ description: 'Orders of this plan.' }) @Optional() @IsString() planId?: string;
  @ApiPropertyOptional({ enum: ORDER_STATUSES, description: 'Orders in this status.' }) @Optional() @IsIn(ORDER_STATUSES) status?: PlanOrderStatus;
}
