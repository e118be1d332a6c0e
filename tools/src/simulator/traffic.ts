import {
  attachmentMessage,
  delivery,
  echo,
  postback,
  quickReplyMessage,
  read,
  textMessage,
} from '../messenger/builders';
import { newMid } from '../messenger/ids';
import type { AttachmentType, MessagingEvent } from '../messenger/types';
import { MinHeap } from './heap';
import { type SimUser, WeightedPicker } from './population';
import type { Rng } from './random';
import {
  GET_STARTED,
  MENU_POSTBACKS,
  PAGE_REPLIES,
  QUICK_REPLIES,
  type TurnPosition,
  userText,
} from './texts';

/** Shares of the traffic mix. Defaults follow what a small business page sees. */
export interface TrafficMix {
  /** first conversations that open with the Get Started button */
  getStarted: number;
  quickReply: number;
  attachment: number;
  /** persistent-menu taps (postbacks) after the first message */
  menuPostback: number;
  /** postbacks that come without a `mid` (Meta omits it on some) */
  postbackWithoutMid: number;
  /** user messages followed by an echo of the page's reply, then a delivery and a read */
  echo: number;
  /** user messages whose whole POST Meta delivers twice (same body, same mid) */
  duplicate: number;
  /** user messages that come as a quick burst of 2-3 in one POST */
  burst: number;
}

export const DEFAULT_MIX: TrafficMix = {
  getStarted: 0.6,
  quickReply: 0.08,
  attachment: 0.07,
  menuPostback: 0.03,
  postbackWithoutMid: 0.1,
  echo: 0.6,
  duplicate: 0.01,
  burst: 0.05,
};

/** One webhook POST to make at `dueAt`: each inner array is one `entry` (events of the page). */
export interface PlannedPost {
  dueAt: number;
  entries: MessagingEvent[][];
  /** user messages inside (echoes, deliveries and reads are not) */
  userMessages: number;
  /** deliver this exact body again after this many ms, as Meta does on retries */
  resendAfterMs?: number;
}

interface Session {
  user: SimUser;
  turn: number;
  remaining: number;
  readyAt: number;
  firstEver: boolean;
}

export interface TrafficOptions {
  users: SimUser[];
  rng: Rng;
  pageId: string;
  mix?: Partial<TrafficMix>;
  /** mean pause between a user's messages in a conversation */
  thinkTimeMs?: number;
}

const ATTACHMENTS: AttachmentType[] = ['image', 'image', 'image', 'audio', 'video', 'file', 'location'];

/**
 * Decides, for each user-message arrival, who writes what, and what follows (echo, delivery, read,
 * a duplicate delivery). Pure apart from the random mids: no timers and no I/O, so its mix can be
 * tested exactly. Conversations: an arrival continues a user whose think-time is over, else a new
 * conversation starts with someone not already talking (weighted by activity).
 */
export class TrafficModel {
  private readonly mix: TrafficMix;
  private readonly picker: WeightedPicker<SimUser>;
  private readonly sessions = new MinHeap<Session>((s) => s.readyAt);
  private readonly talking = new Set<string>();
  private readonly seen = new Set<string>();
  private readonly thinkTimeMs: number;

  constructor(private readonly options: TrafficOptions) {
    this.mix = { ...DEFAULT_MIX, ...options.mix };
    this.picker = new WeightedPicker(options.users);
    this.thinkTimeMs = options.thinkTimeMs ?? 8_000;
  }

  /** The posts caused by one arrival at `at`; `userMessages` > 1 when it was a burst. */
  arrive(arrivalAt: number): { posts: PlannedPost[]; userMessages: number } {
    const rng = this.options.rng;
    // Arrival times are fractional; Meta's timestamps are whole epoch ms (and bots validate that).
    const at = Math.round(arrivalAt);
    const session = this.nextSession(at);
    const count = session.turn > 0 && rng.chance(this.mix.burst) ? rng.int(2, 3) : 1;
    const events: MessagingEvent[] = [];
    for (let i = 0; i < count; i++) events.push(this.userEvent(session, at + i * 150));

    session.remaining -= 1;
    if (session.remaining > 0) {
      session.readyAt = at + Math.max(500, rng.exponential(this.thinkTimeMs));
      this.sessions.push(session);
    } else {
      this.talking.delete(session.user.psid);
    }

    const post: PlannedPost = { dueAt: at, entries: [events], userMessages: count };
    if (rng.chance(this.mix.duplicate)) post.resendAfterMs = Math.round(rng.between(200, 3_000));
    const posts = [post];
    if (rng.chance(this.mix.echo)) posts.push(...this.followUps(session.user.psid, at));
    return { posts, userMessages: count };
  }

  private nextSession(at: number): Session {
    const rng = this.options.rng;
    const ready = this.sessions.peek();
    if (ready && ready.readyAt <= at) {
      this.sessions.pop();
      return ready;
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      const user = this.picker.pick(rng.next());
      if (this.talking.has(user.psid)) continue;
      this.talking.add(user.psid);
      const firstEver = !this.seen.has(user.psid);
      this.seen.add(user.psid);
      // 1 + geometric: most conversations are short, some go on for a while.
      let length = 1;
      while (length < 12 && rng.chance(0.7)) length++;
      return { user, turn: 0, remaining: length, readyAt: at, firstEver };
    }
    // Everyone is mid-conversation (load far above what the population would write): the user
    // who will be ready first writes now, think-time or not.
    const busiest = this.sessions.pop();
    if (busiest) return busiest;
    const user = this.picker.pick(rng.next());
    return { user, turn: 0, remaining: 1, readyAt: at, firstEver: false };
  }

  private userEvent(session: Session, timestamp: number): MessagingEvent {
    const rng = this.options.rng;
    const base = { psid: session.user.psid, pageId: this.options.pageId, timestamp };
    const turn = session.turn++;
    if (turn === 0 && session.firstEver && rng.chance(this.mix.getStarted)) {
      return postback({
        ...base,
        ...GET_STARTED,
        mid: rng.chance(this.mix.postbackWithoutMid) ? null : undefined,
      });
    }
    const r = rng.next();
    const m = this.mix;
    // Cumulative bands; quick replies and menu taps answer something, so never open a conversation.
    if (r < m.quickReply) {
      if (turn > 0) {
        const { title, payload } = rng.pick(QUICK_REPLIES);
        return quickReplyMessage({ ...base, text: title, payload });
      }
    } else if (r < m.quickReply + m.attachment) {
      const type = rng.pick(ATTACHMENTS);
      const extra = type === 'image' && rng.chance(0.2) ? { stickerId: 369239263222822 } : {};
      return attachmentMessage({ ...base, type, ...extra });
    } else if (r < m.quickReply + m.attachment + m.menuPostback && turn > 0) {
      const button = rng.pick(MENU_POSTBACKS);
      return postback({ ...base, ...button, mid: rng.chance(m.postbackWithoutMid) ? null : undefined });
    }
    const position: TurnPosition = turn === 0 ? 'first' : session.remaining <= 1 ? 'last' : 'middle';
    return textMessage({ ...base, text: userText(rng, position) });
  }

  /** The page's reply comes back as an echo, then the user's device reports delivery and reading. */
  private followUps(psid: string, at: number): PlannedPost[] {
    const rng = this.options.rng;
    const pageId = this.options.pageId;
    const echoAt = at + Math.round(rng.between(800, 3_000));
    const echoMid = newMid();
    const echoEvent = echo({ psid, pageId, timestamp: echoAt, mid: echoMid, text: rng.pick(PAGE_REPLIES) });
    const posts: PlannedPost[] = [{ dueAt: echoAt, entries: [[echoEvent]], userMessages: 0 }];
    if (!rng.chance(0.9)) return posts;
    const deliveredAt = echoAt + Math.round(rng.between(300, 1_500));
    const deliveryEvent = delivery({
      psid,
      pageId,
      watermark: echoAt,
      ...(rng.chance(0.9) ? { mids: [echoMid] } : {}),
    });
    if (!rng.chance(0.85)) {
      posts.push({ dueAt: deliveredAt, entries: [[deliveryEvent]], userMessages: 0 });
      return posts;
    }
    const readAt = deliveredAt + Math.round(rng.between(500, 8_000));
    const readEvent = read({ psid, pageId, timestamp: readAt, watermark: echoAt });
    if (rng.chance(0.3)) {
      // Both in one POST, two entries, as in the delivery-and-read fixture.
      posts.push({ dueAt: readAt, entries: [[deliveryEvent], [readEvent]], userMessages: 0 });
    } else {
      posts.push({ dueAt: deliveredAt, entries: [[deliveryEvent]], userMessages: 0 });
      posts.push({ dueAt: readAt, entries: [[readEvent]], userMessages: 0 });
    }
    return posts;
  }
}
