import { DEMO_APP_ID, DEMO_PAGE, newMid } from './ids';
import type {
  Attachment,
  AttachmentType,
  DeliveryEvent,
  EchoEvent,
  MessageEvent,
  MessagingEvent,
  PostbackEvent,
  ReadEvent,
  WebhookBody,
  WebhookEntry,
} from './types';

/** Who and when, common to every builder. Defaults: the demo page, now, a fresh random mid. */
export interface EventBase {
  /** the user's PSID */
  psid: string;
  pageId?: string;
  /** epoch ms */
  timestamp?: number;
}

interface WithMid extends EventBase {
  mid?: string;
}

const parties = (b: EventBase) => ({ sender: { id: b.psid }, recipient: { id: b.pageId ?? DEMO_PAGE.id } });

export function textMessage(b: WithMid & { text: string; replyTo?: string }): MessageEvent {
  return {
    ...parties(b),
    timestamp: b.timestamp ?? Date.now(),
    message: {
      mid: b.mid ?? newMid(),
      text: b.text,
      ...(b.replyTo === undefined ? {} : { reply_to: { mid: b.replyTo } }),
    },
  };
}

/** A tap on a quick-reply button: Meta sends the button's title as `text` plus its payload. */
export function quickReplyMessage(b: WithMid & { text: string; payload: string }): MessageEvent {
  return {
    ...parties(b),
    timestamp: b.timestamp ?? Date.now(),
    message: { mid: b.mid ?? newMid(), text: b.text, quick_reply: { payload: b.payload } },
  };
}

export interface AttachmentOptions extends WithMid {
  type: AttachmentType;
  /** media URL (image/audio/video/file); a made-up CDN URL by default */
  url?: string;
  /** image only: sent as a sticker (Meta adds `sticker_id` to the payload and the message) */
  stickerId?: number;
  /** location only */
  coordinates?: { lat: number; long: number };
}

const MEDIA_FILE: Record<Exclude<AttachmentType, 'location'>, string> = {
  image: 'photo.jpg',
  audio: 'audioclip.mp4',
  video: 'video.mp4',
  file: 'document.pdf',
};

function attachment(o: AttachmentOptions): Attachment {
  if (o.type === 'location') {
    const { lat, long } = o.coordinates ?? { lat: 52.520008, long: 13.404954 };
    return {
      type: 'location',
      title: 'Pinned Location',
      url:
        o.url ??
        `https://l.facebook.example.invalid/l.php?u=https%3A%2F%2Fmaps.example.invalid%2F%3Fq%3D${lat}%2C${long}`,
      payload: { coordinates: { lat, long } },
    };
  }
  const url =
    o.url ?? `https://scontent.example.invalid/v/t1.15752-9/${newMid().slice(2, 14)}_${MEDIA_FILE[o.type]}`;
  if (o.type === 'image') {
    return { type: 'image', payload: o.stickerId === undefined ? { url } : { url, sticker_id: o.stickerId } };
  }
  return { type: o.type, payload: { url } };
}

export function attachmentMessage(o: AttachmentOptions): MessageEvent {
  return {
    ...parties(o),
    timestamp: o.timestamp ?? Date.now(),
    message: {
      mid: o.mid ?? newMid(),
      attachments: [attachment(o)],
      ...(o.type === 'image' && o.stickerId !== undefined ? { sticker_id: o.stickerId } : {}),
    },
  };
}

/**
 * A button tap (e.g. Get Started: title "Get Started", payload "GET_STARTED"). Meta includes a
 * `mid` on most postbacks but not all; pass `mid: null` for one without.
 */
export function postback(
  b: EventBase & { title: string; payload: string; mid?: string | null },
): PostbackEvent {
  const mid = b.mid === null ? undefined : (b.mid ?? newMid());
  return {
    ...parties(b),
    timestamp: b.timestamp ?? Date.now(),
    postback: { ...(mid === undefined ? {} : { mid }), title: b.title, payload: b.payload },
  };
}

/** The copy Meta sends back of a message the page sent: sender is the page, recipient the user. */
export function echo(
  b: WithMid & { text: string; appId?: number | null; metadata?: string | null },
): EchoEvent {
  const appId = b.appId === null ? undefined : (b.appId ?? DEMO_APP_ID);
  const metadata = b.metadata === null ? undefined : (b.metadata ?? 'sent-by-bot');
  return {
    sender: { id: b.pageId ?? DEMO_PAGE.id },
    recipient: { id: b.psid },
    timestamp: b.timestamp ?? Date.now(),
    message: {
      is_echo: true,
      ...(appId === undefined ? {} : { app_id: appId }),
      ...(metadata === undefined ? {} : { metadata }),
      mid: b.mid ?? newMid(),
      text: b.text,
    },
  };
}

/** The user's device received page messages up to `watermark`; `mids` is optional on Meta's side. */
export function delivery(
  b: Omit<EventBase, 'timestamp'> & { watermark: number; mids?: string[] },
): DeliveryEvent {
  return {
    ...parties(b),
    delivery: { ...(b.mids === undefined ? {} : { mids: b.mids }), watermark: b.watermark },
  };
}

/** The user has seen page messages up to `watermark`. */
export function read(b: EventBase & { watermark: number }): ReadEvent {
  return { ...parties(b), timestamp: b.timestamp ?? Date.now(), read: { watermark: b.watermark } };
}

/** One `entry[]` item: the page's events of one batch. */
export function entry(pageId: string, events: MessagingEvent[], time: number = Date.now()): WebhookEntry {
  return { id: pageId, time, messaging: events };
}

/** A webhook POST body carrying one or more entries. */
export function webhookBody(entries: WebhookEntry[]): WebhookBody {
  return { object: 'page', entry: entries };
}
