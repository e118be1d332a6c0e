const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International or local phone numbers: 7+ digits with optional +, spaces, dots, dashes, parentheses.
const PHONE = /(?<![\w])\+?\d[\d\s().-]{5,}\d(?![\w])/g;

/** REDACT_PII=1: e-mail addresses and phone numbers never reach the database. */
export function redactPii(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 7 ? '[phone]' : m));
}
