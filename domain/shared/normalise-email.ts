/** Email addresses compared the way people expect: case and surrounding whitespace do not count. */
export const normaliseEmail = (email: string): string => email.normalize('NFC').trim().toLowerCase();
