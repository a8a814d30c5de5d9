import type { Faker } from '@faker-js/faker';

/**
 * Corruptions that real source systems apply to the same entity: typing errors, case, width and
 * spacing. Used to build labelled evaluation data, never on live records.
 */
export function typo(faker: Faker, text: string): string {
  const chars = [...text];
  const letters = chars.map((ch, index) => (/\p{L}/u.test(ch) ? index : -1)).filter((index) => index > 0);
  if (letters.length < 2) return text;
  const at = faker.helpers.arrayElement(letters);
  switch (faker.helpers.arrayElement(['swap', 'drop', 'double', 'replace'] as const)) {
    case 'swap': {
      const next = Math.min(at + 1, chars.length - 1);
      [chars[at], chars[next]] = [chars[next], chars[at]];
      break;
    }
    case 'drop':
      chars.splice(at, 1);
      break;
    case 'double':
      chars.splice(at, 0, chars[at]);
      break;
    case 'replace':
      chars[at] = faker.string.alpha({ length: 1, casing: 'lower' });
      break;
  }
  return chars.join('');
}

/** ASCII letters and digits to their full-width forms, as typed with a Chinese input method. */
export function toFullWidth(text: string): string {
  return text
    .replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0))
    .replace(/ /g, '\u3000');
}

/** One of the spellings people use for a text: as is, upper case, full-width, extra spaces. */
export function restyle(faker: Faker, text: string): string {
  return faker.helpers.weightedArrayElement([
    { weight: 6, value: text },
    { weight: 2, value: text.toUpperCase() },
    { weight: 1, value: toFullWidth(text) },
    { weight: 1, value: text.replace(/ /g, '  ') },
  ]);
}

/** Returns the value, or an empty string with the given probability (a field nobody filled in). */
export function sometimes(faker: Faker, probability: number, value: string): string {
  return faker.datatype.boolean({ probability }) ? value : '';
}
