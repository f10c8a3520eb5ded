/**
 * A value made on first use and kept: for what a module needs only on some paths and is costly to
 * make when the module loads (an `Intl.DateTimeFormat` with a time zone loads the zone's rules and
 * the locale's data: about 10 ms of a cold start that most requests never use).
 */
export const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
};
