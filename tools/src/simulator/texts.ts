import type { Rng } from './random';

/**
 * What simulated people write to a small business page (a dental clinic, as in the fixtures):
 * short and long, typos, emoji and several languages, so the bot, the database and the dashboard
 * meet real-world text.
 */
const OPENERS = [
  'hi',
  'Hello!',
  'hey there',
  'Good morning',
  'Do you open on Saturdays?',
  'how much is a cleaning?',
  'Hi, I would like to book an appointment',
  'Are you open today?',
  'hola, ¿tienen cita para mañana?',
  'Bonjour, vous êtes ouverts le samedi ?',
  'Çа va? 你好 👋',
  'Hallo, habt ihr noch Termine frei?',
  'hello?? anyone there',
  'I have a toothache 😣 can someone see me today',
];

const QUESTIONS = [
  'What are your opening hours?',
  'How much does a check-up cost?',
  'Do you take my insurance?',
  'Can I come tomorrow at 10?',
  'Where exactly are you? Is there parking nearby?',
  'Is teeth whitening safe?',
  'do u do braces for adults',
  'How long does a cleaning take?',
  'Can I bring my 6 year old too?',
  'Is Dr. Okafor working on Friday?',
  'what is the price for a filling',
  'Can I pay by card?',
  'Do you speak Spanish?',
  '¿Cuánto cuesta una limpieza?',
  'Wie lange dauert eine Kontrolle?',
  'お昼休みは何時ですか？',
];

const FOLLOW_UPS = [
  'ok',
  'great',
  'Tuesday works for me',
  'Sorry, I meant next week',
  'my name is on the booking already',
  'ok and what about the weekend?',
  'perfect 👍',
  'hmm that is a bit expensive',
  'can you send me the address?',
  'yes please',
  'no, the other one',
  'I will be 10 minutes late',
];

const CLOSERS = [
  'thanks!',
  'Thank you so much 🙏',
  'bye',
  'merci beaucoup',
  'gracias',
  'great, see you then',
];

const LONG_STORY =
  'Hi, so last week I had a filling done at another clinic and since then the tooth hurts when I drink ' +
  'something cold, and sometimes at night too. I am not sure if it is normal or if I should come in. ' +
  'I can come any day after 5 pm except Thursday, and I would prefer a morning slot on Saturday if you ' +
  'have one. Also, my daughter needs a check-up, could we book both at the same time? ';

export const QUICK_REPLIES = [
  { title: 'Opening hours', payload: 'HOURS' },
  { title: 'Saturday', payload: 'HOURS_SATURDAY' },
  { title: 'Prices', payload: 'PRICES' },
  { title: 'Book now', payload: 'BOOK' },
  { title: 'Yes', payload: 'CONFIRM_YES' },
  { title: 'No', payload: 'CONFIRM_NO' },
] as const;

export const MENU_POSTBACKS = [
  { title: 'Opening hours', payload: 'MENU_HOURS' },
  { title: 'Book an appointment', payload: 'MENU_BOOK' },
  { title: 'Talk to a person', payload: 'MENU_HUMAN' },
] as const;

export const GET_STARTED = { title: 'Get Started', payload: 'GET_STARTED' } as const;

/** Texts of the page's own messages, for simulated echoes. */
export const PAGE_REPLIES = [
  'We are open Monday to Friday 9:00–18:00 and Saturday 9:00–14:00.',
  'Our prices start at 45 €. Tell me what you need and I will give you a precise quote.',
  'I can book that for you. Which day and time suit you best?',
  'You are welcome! Anything else I can do for you?',
  'Hello! How can I help you today?',
];

export type TurnPosition = 'first' | 'middle' | 'last';

/** A user's text for this point of a conversation. */
export function userText(rng: Rng, position: TurnPosition): string {
  if (rng.chance(0.01)) return LONG_STORY.repeat(rng.int(1, 4)).trim();
  if (position === 'first') return rng.pick(OPENERS);
  if (position === 'last' && rng.chance(0.5)) return rng.pick(CLOSERS);
  return rng.chance(0.55) ? rng.pick(QUESTIONS) : rng.pick(FOLLOW_UPS);
}
