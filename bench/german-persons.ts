/**
 * Synthetic German persons with realistic name and place frequencies, for benchmarks of duplicate
 * protection: the 50 commonest surnames at their approximate shares of the population (Müller
 * ≈ 0.95%, Schmidt ≈ 0.73%, …; together ≈ 11%) and a long tail of rarer ones; first names from
 * the 60 commonest at ~1.5% (Thomas, Maria) falling to ~0.25% (≈ 42% together) and a long tail;
 * ~8,200 postcodes with log-normal population weights (the largest holds
 * about ten times the median, as German postcode areas do). Seeded, so every run draws the same.
 */
import type { PersonFields } from '../domain/persons/person.ts';

/** mulberry32: the same "random" data in every run, so runs compare. */
export const seeded = (seed: number) => {
  let state = seed;
  return (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** surname → share of the German population, in percent (name statistics of phone directories, rounded) */
export const commonSurnames: [string, number][] = [
  ['Müller', 0.95],
  ['Schmidt', 0.73],
  ['Schneider', 0.43],
  ['Fischer', 0.39],
  ['Weber', 0.34],
  ['Meyer', 0.33],
  ['Wagner', 0.31],
  ['Becker', 0.28],
  ['Schulz', 0.28],
  ['Hoffmann', 0.27],
  ['Schäfer', 0.22],
  ['Koch', 0.21],
  ['Bauer', 0.21],
  ['Richter', 0.2],
  ['Klein', 0.2],
  ['Wolf', 0.19],
  ['Schröder', 0.18],
  ['Neumann', 0.18],
  ['Schwarz', 0.17],
  ['Zimmermann', 0.17],
  ['Braun', 0.16],
  ['Krüger', 0.16],
  ['Hofmann', 0.16],
  ['Hartmann', 0.15],
  ['Lange', 0.15],
  ['Schmitt', 0.15],
  ['Werner', 0.15],
  ['Schmitz', 0.14],
  ['Krause', 0.14],
  ['Meier', 0.14],
  ['Lehmann', 0.14],
  ['Schmid', 0.13],
  ['Schulze', 0.13],
  ['Maier', 0.13],
  ['Köhler', 0.12],
  ['Herrmann', 0.12],
  ['König', 0.12],
  ['Walter', 0.12],
  ['Mayer', 0.12],
  ['Huber', 0.11],
  ['Kaiser', 0.11],
  ['Fuchs', 0.11],
  ['Peters', 0.11],
  ['Lang', 0.11],
  ['Scholz', 0.11],
  ['Möller', 0.1],
  ['Weiß', 0.1],
  ['Jung', 0.1],
  ['Hahn', 0.1],
  ['Schubert', 0.1],
];

export const firstNames = [
  'Thomas',
  'Michael',
  'Andreas',
  'Stefan',
  'Peter',
  'Christian',
  'Klaus',
  'Wolfgang',
  'Jürgen',
  'Frank',
  'Maria',
  'Ursula',
  'Monika',
  'Petra',
  'Elisabeth',
  'Sabine',
  'Renate',
  'Helga',
  'Karin',
  'Brigitte',
  'Markus',
  'Daniel',
  'Alexander',
  'Martin',
  'Matthias',
  'Sebastian',
  'Tobias',
  'Jan',
  'Lukas',
  'Felix',
  'Julia',
  'Anna',
  'Laura',
  'Lena',
  'Sarah',
  'Katharina',
  'Christina',
  'Nicole',
  'Stefanie',
  'Claudia',
  'Hans',
  'Uwe',
  'Dieter',
  'Bernd',
  'Horst',
  'Günter',
  'Manfred',
  'Gerhard',
  'Heinz',
  'Werner',
  'Sophie',
  'Marie',
  'Emma',
  'Mia',
  'Hannah',
  'Lea',
  'Leonie',
  'Jonas',
  'Paul',
  'Leon',
];

const streets = [
  'Hauptstraße',
  'Schulstraße',
  'Gartenstraße',
  'Bahnhofstraße',
  'Dorfstraße',
  'Bergstraße',
  'Birkenweg',
  'Lindenstraße',
  'Kirchstraße',
  'Waldstraße',
  'Ringstraße',
  'Schillerstraße',
  'Goethestraße',
  'Am Sportplatz',
  'Mühlenweg',
  'Wiesenweg',
  'Feldstraße',
  'Friedhofstraße',
  'Rosenstraße',
  'Mozartstraße',
];

const syllables = [
  'ber',
  'bach',
  'en',
  'ke',
  'lin',
  'mann',
  'dorf',
  'hau',
  'ner',
  'sch',
  'mi',
  'ko',
  'ter',
  'la',
  'sel',
  'wald',
  'rich',
  'gen',
  'stein',
  'ho',
];

/** A cumulative table for drawing by weight with a binary search. */
const picker = <T>(items: readonly T[], weights: readonly number[], random: () => number) => {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) {
    sum += w;
    cumulative.push(sum);
  }
  return (): T => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    const item = items[lo];
    if (item === undefined) throw new Error('empty picker');
    return item;
  };
};

/** Box–Muller */
const gaussian = (random: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

export type GermanPerson = PersonFields & { postalCode: string };

export const germanPersons = (seed: number) => {
  const random = seeded(seed);
  const tailNames = Array.from({ length: 40_000 }, (_, i) => {
    const a = syllables[i % syllables.length] ?? '';
    const b = syllables[Math.floor(i / syllables.length) % syllables.length] ?? '';
    const c = syllables[Math.floor(i / syllables.length ** 2) % syllables.length] ?? '';
    const name = `${a}${b}${c}`;
    return name.charAt(0).toUpperCase() + name.slice(1);
  });
  const commonShare = commonSurnames.reduce((s, [, share]) => s + share, 0) / 100;
  const surname = picker(
    [...commonSurnames.map(([n]) => n), ...tailNames],
    [
      ...commonSurnames.map(([, share]) => share / 100),
      // the tail shares the rest, Zipf-like
      ...tailNames.map((_, i) => ((1 - commonShare) * (1 / (i + 10))) / Math.log(tailNames.length + 10)),
    ],
    random,
  );
  // the listed names cover ~42% of people, from ~1.5% (Thomas, Maria) down; the rest is a long tail
  const tailFirstNames = Array.from({ length: 5_000 }, (_, i) => {
    const name = `${syllables[i % syllables.length] ?? ''}${syllables[Math.floor(i / syllables.length) % syllables.length] ?? ''}a`;
    return name.charAt(0).toUpperCase() + name.slice(1);
  });
  const firstName = picker(
    [...firstNames, ...tailFirstNames],
    [...firstNames.map((_, i) => 0.015 * 0.97 ** i), ...tailFirstNames.map(() => 0.58 / tailFirstNames.length)],
    random,
  );
  const postcodes = Array.from({ length: 8_200 }, (_, i) =>
    String(1_067 + Math.floor((i * 98_000) / 8_200)).padStart(5, '0'),
  );
  const postcode = picker(
    postcodes,
    postcodes.map(() => Math.exp(0.6 * gaussian(random))),
    random,
  );
  const street = picker(
    streets,
    streets.map((_, i) => 1 / (i + 2)),
    random,
  );

  let counter = 0;
  return (): GermanPerson => {
    counter += 1;
    const first = firstName();
    const last = surname();
    const postalCode = postcode();
    const year = 1940 + Math.floor(random() * 65);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const local = `${first}.${last}${counter}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    return {
      firstName: first,
      lastName: last,
      emails: random() < 0.6 ? [`${local}@${random() < 0.5 ? 'web.de' : `firma-${String(counter % 5000)}.de`}`] : [],
      phones:
        random() < 0.5
          ? [`+49${30 + Math.floor(random() * 60)}${String(1_000_000 + Math.floor(random() * 8_999_999))}`]
          : [],
      address: {
        street: `${street()} ${1 + Math.floor(random() * 120)}`,
        postalCode,
        city: `Ort ${postalCode.slice(0, 3)}`,
      },
      postalCode,
      birthday: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      isMainContact: false,
    };
  };
};
