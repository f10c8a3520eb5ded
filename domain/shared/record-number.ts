/** Human record numbers (`OPP-12`, `TIC-7`): a prefix and a sequence value, read back in any case. */
export const recordNumbers = (prefix: string) => {
  const pattern = new RegExp(`^${prefix}-([1-9]\\d{0,14})$`, 'i');
  return {
    format: (number: number): string => `${prefix}-${number}`,
    /** `PREFIX-12` in any case, spaces around allowed → 12; anything else (an id, `-0`, `-012`) → null */
    parse: (text: string): number | null => {
      const match = pattern.exec(text.trim());
      return match?.[1] ? Number(match[1]) : null;
    },
  };
};
