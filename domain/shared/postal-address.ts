/** A postal address as persons and companies carry it (API.md); a person without one shows its company's. */

export type Address = {
  street?: string;
  /** building, floor, c/o: the second address line */
  addressLine2?: string;
  postalCode?: string;
  city?: string;
  country?: string;
};

/** A merge patch of an address: a null field is removed. */
export type AddressPatch = { [K in keyof Address]?: string | null };

export const isEmptyAddress = (address: Address | undefined): boolean =>
  address === undefined || Object.values(address).every((v) => v === undefined || v === '');

/** The address a person shows: their own, otherwise their company's (PRODUCT.md rule 12). */
export const effectiveAddress = (
  own: Address | undefined,
  company: Address | undefined,
): { address?: Address; addressInherited: boolean } => {
  if (!isEmptyAddress(own)) return { ...(own ? { address: own } : {}), addressInherited: false };
  if (!isEmptyAddress(company) && company) return { address: company, addressInherited: true };
  return { addressInherited: false };
};
