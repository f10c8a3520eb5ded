/** Turning request bodies into record fields: phones brought to E.164 (naming a bad one), empty addresses dropped. */
import { normalisePhone } from '../../domain/duplicates/normalise-phone.ts';
import { validationError } from '../../domain/shared/errors.ts';
import { type Address, isEmptyAddress } from '../../domain/shared/postal-address.ts';

/** Every phone as E.164 (default country DE); one that is no phone number is a 400 naming it (`phones.1`). */
export const e164Phones = (phones: readonly string[] | undefined, field = 'phones'): string[] => {
  const out: string[] = [];
  const errors: { field: string; message: string }[] = [];
  for (const [index, phone] of (phones ?? []).entries()) {
    const normalised = normalisePhone(phone);
    if (normalised) out.push(normalised);
    else errors.push({ field: `${field}.${index}`, message: 'not a phone number that can be dialled' });
  }
  if (errors.length > 0) throw validationError(errors);
  return out;
};

/** An address with no field set is no address. */
export const someAddress = (address: Address | undefined): { address?: Address } =>
  address && !isEmptyAddress(address) ? { address } : {};

/** Only the properties that are set, so stored items never carry `undefined`. */
export const defined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
