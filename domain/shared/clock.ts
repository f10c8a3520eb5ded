/** Timestamps as the API writes them: ISO 8601 UTC with milliseconds. */
export const isoTimestamp = (now: Date): string => now.toISOString();
