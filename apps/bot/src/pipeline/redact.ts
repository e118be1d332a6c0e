const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}.-]{1,253}\.\p{L}{2,63}/gu;

// Numbers that look like digit runs but are no phone number: a date, a year range, a price or
// a decimal. Tried first at each position, so their digits never join a phone-number match.
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const MONTH = '(?:0?[1-9]|1[0-2])';
const YEAR = '(?:19|20)\\d\\d';
const ORDINARY = [
  `${YEAR}-${MONTH}-${DAY}`,
  `${DAY}(?<s1>[./-])${MONTH}\\k<s1>${YEAR}`,
  `${MONTH}(?<s2>[./-])${DAY}\\k<s2>${YEAR}`,
  `${YEAR}\\s?[-–]\\s?${YEAR}`,
  '\\d{1,7}\\.\\d{1,2}',
  '\\d\\.\\d{1,15}',
]
  .map((p) => `(?:${p})`)
  .join('|');
// International or local phone numbers: 7+ digits with optional +, spaces, dots, dashes,
// parentheses; an area code in parentheses belongs to the number.
const PHONE = '(?:\\(\\+?\\d{1,5}\\)[\\s.-]?|\\+)?\\d[\\d\\s().-]*\\d';
const NUMBERS = new RegExp(
  `(?<![\\w.+-])(?<ordinary>${ORDINARY})(?![\\w]|[./-]\\d)|(?<![\\w])(?<phone>${PHONE})(?![\\w])`,
  'g',
);

/** REDACT_PII=1: e-mail addresses and phone numbers never reach the database. */
export function redactPii(text: string): string {
  return text.replace(EMAIL, '[email]').replace(NUMBERS, (match, ...args) => {
    const groups = args.at(-1) as { ordinary?: string; phone?: string };
    return groups.phone !== undefined && groups.phone.replace(/\D/g, '').length >= 7 ? '[phone]' : match;
  });
}
