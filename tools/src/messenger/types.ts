/**
 * Messenger Platform webhook payloads as Meta sends them (see tools/fixtures/messenger): ids are
 * strings, times are epoch milliseconds.
 */
export interface Party {
  id: string;
}

export type AttachmentType = 'image' | 'audio' | 'video' | 'file' | 'location';

export type Attachment =
  | { type: 'image'; payload: { url: string; sticker_id?: number } }
  | { type: 'audio' | 'video' | 'file'; payload: { url: string } }
  | { type: 'location'; title: string; url: string; payload: { coordinates: { lat: number; long: number } } };

export interface UserMessage {
  mid: string;
  text?: string;
  quick_reply?: { payload: string };
  reply_to?: { mid: string };
  attachments?: Attachment[];
  sticker_id?: number;
}

export interface EchoMessage {
  is_echo: true;
  /** absent when a person answered from the page inbox rather than an app */
  app_id?: number;
  metadata?: string;
  mid: string;
  text: string;
}

export interface MessageEvent {
  sender: Party;
  recipient: Party;
  timestamp: number;
  message: UserMessage;
}

export interface EchoEvent {
  /** the page */
  sender: Party;
  /** the user */
  recipient: Party;
  timestamp: number;
  message: EchoMessage;
}

export interface PostbackEvent {
  sender: Party;
  recipient: Party;
  timestamp: number;
  postback: { mid?: string; title: string; payload: string };
}

/** Meta sends deliveries without a top-level `timestamp` (and sometimes without `mids`). */
export interface DeliveryEvent {
  sender: Party;
  recipient: Party;
  delivery: { mids?: string[]; watermark: number };
}

export interface ReadEvent {
  sender: Party;
  recipient: Party;
  timestamp: number;
  read: { watermark: number };
}

export type MessagingEvent = MessageEvent | EchoEvent | PostbackEvent | DeliveryEvent | ReadEvent;

export interface WebhookEntry {
  /** the page id */
  id: string;
  time: number;
  messaging: MessagingEvent[];
}

export interface WebhookBody {
  object: 'page';
  entry: WebhookEntry[];
}

/** What an event is, for counting a traffic mix. */
export type EventKind = 'text' | 'quick_reply' | 'attachment' | 'postback' | 'echo' | 'delivery' | 'read';

/** Classifies an event the way the bot must: echoes, deliveries and reads are not user messages. */
export function eventKind(event: MessagingEvent): EventKind {
  if ('postback' in event) return 'postback';
  if ('delivery' in event) return 'delivery';
  if ('read' in event) return 'read';
  const message = event.message;
  if ('is_echo' in message) return 'echo';
  if (message.quick_reply) return 'quick_reply';
  if (message.attachments) return 'attachment';
  return 'text';
}

export const USER_MESSAGE_KINDS: ReadonlySet<EventKind> = new Set([
  'text',
  'quick_reply',
  'attachment',
  'postback',
]);
