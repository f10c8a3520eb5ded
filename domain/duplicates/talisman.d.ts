/** Types for the two talisman modules Kontakt uses (the package ships none; both are CommonJS). */
declare module 'talisman/phonetics/german/cologne.js' {
  type Cologne = (name: string) => string;
  // Node hands over module.exports (the function); a bundler may hand over the namespace instead.
  const cologne: Cologne | { default: Cologne };
  export default cologne;
}

declare module 'talisman/metrics/jaro-winkler.js' {
  type JaroWinkler = (a: string, b: string) => number;
  const jaroWinkler: JaroWinkler | { default: JaroWinkler };
  export default jaroWinkler;
}
