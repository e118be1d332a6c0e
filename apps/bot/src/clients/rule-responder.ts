/**
 * The built-in responder used when no GEMINI_API_KEY is set (and as the polite fallback when
 * Gemini fails): a few keyword rules, instant and deterministic.
 */
const RULES: Array<{ test: RegExp; reply: string }> = [
  { test: /\b(hi|hello|hey|bonjour|hola|hallo)\b|你好|👋/i, reply: 'Hello! How can I help you today?' },
  {
    test: /\b(open|hours?|saturday|sunday|weekend|closing)\b/i,
    reply: 'We are open Monday to Friday 9:00–18:00 and Saturday 9:00–14:00.',
  },
  {
    test: /\b(price|cost|how much|fee|€|\$)\b/i,
    reply: 'Our prices start at 45 €. Tell me what you need and I will give you a precise quote.',
  },
  {
    test: /\b(book|appointment|reserve|schedule)\b/i,
    reply: 'I can book that for you. Which day and time suit you best?',
  },
  {
    test: /\b(thanks?|thank you|merci|gracias)\b/i,
    reply: 'You are welcome! Anything else I can do for you?',
  },
  { test: /\b(bye|goodbye|see you)\b/i, reply: 'Goodbye, and have a nice day!' },
  {
    test: /^GET_STARTED$|get started/i,
    reply: 'Welcome! Ask me about our opening hours, prices or bookings.',
  },
];

export const FALLBACK_REPLY = 'Sorry, I cannot answer right now. Please try again in a moment.';

export function ruleReply(text: string, kind: string): string {
  if (kind === 'attachment') return 'Thanks for the attachment! A colleague will have a look at it.';
  for (const rule of RULES) if (rule.test.test(text)) return rule.reply;
  return "Thanks for your message! I'm not sure I understood — could you tell me a bit more?";
}
