import { describe, expect, it } from 'vitest';
import { fixture, shapeOf } from '../testing/shape';
import {
  attachmentMessage,
  delivery,
  echo,
  entry,
  postback,
  quickReplyMessage,
  read,
  textMessage,
  webhookBody,
} from './builders';
import { DEMO_PAGE } from './ids';
import { eventKind, type MessagingEvent } from './types';

const PAGE = DEMO_PAGE.id;
const USER = '6512340000000001';
const one = (event: MessagingEvent) => webhookBody([entry(PAGE, [event])]);

describe('webhook builders match the Messenger fixtures', () => {
  it('text with a quick reply', () => {
    const body = one(
      quickReplyMessage({ psid: USER, text: 'Do you open on Saturdays?', payload: 'HOURS_SATURDAY' }),
    );
    expect(shapeOf(body)).toEqual(shapeOf(fixture('messenger/text-with-quick-reply.json')));
  });

  it('image attachment', () => {
    const body = one(attachmentMessage({ psid: USER, type: 'image' }));
    expect(shapeOf(body)).toEqual(shapeOf(fixture('messenger/attachment-image.json')));
  });

  it('postback with a mid', () => {
    const body = one(postback({ psid: USER, title: 'Get Started', payload: 'GET_STARTED' }));
    expect(shapeOf(body)).toEqual(shapeOf(fixture('messenger/postback.json')));
  });

  it('echo', () => {
    const body = one(echo({ psid: USER, text: 'We open 9-14 on Saturdays.' }));
    expect(shapeOf(body)).toEqual(shapeOf(fixture('messenger/echo.json')));
  });

  it('delivery and read, batched in two entries', () => {
    const body = webhookBody([
      entry(PAGE, [delivery({ psid: USER, mids: ['m_x'], watermark: 1764067380100 })]),
      entry(PAGE, [read({ psid: USER, watermark: 1764067380100 })]),
    ]);
    expect(shapeOf(body)).toEqual(shapeOf(fixture('messenger/delivery-and-read-batched.json')));
  });

  it('several messages and entries in one POST, with a reply_to', () => {
    const body = webhookBody([
      entry(PAGE, [
        textMessage({ psid: USER, text: 'hi' }),
        textMessage({ psid: USER, text: 'how much is a cleaning?' }),
      ]),
      entry(PAGE, [textMessage({ psid: '6512340000000005', text: 'Çа va? 你好 👋', replyTo: 'm_echo01' })]),
    ]);
    expect(shapeOf(body)).toEqual(shapeOf(fixture('messenger/batched-mixed.json')));
  });
});

describe('webhook builders', () => {
  it('uses string ids, epoch-ms times and the given values', () => {
    const event = textMessage({ psid: USER, text: 'hello', timestamp: 1764067200001, mid: 'm_given' });
    expect(event).toEqual({
      sender: { id: USER },
      recipient: { id: PAGE },
      timestamp: 1764067200001,
      message: { mid: 'm_given', text: 'hello' },
    });
    const e = entry(PAGE, [event]);
    expect(typeof e.id).toBe('string');
    expect(e.time).toBeGreaterThan(1_700_000_000_000);
  });

  it('makes a fresh mid for every message', () => {
    const mids = new Set(
      Array.from({ length: 1000 }, () => textMessage({ psid: USER, text: 'x' }).message.mid),
    );
    expect(mids.size).toBe(1000);
    for (const mid of mids) expect(mid).toMatch(/^m_[A-Za-z0-9_-]{80,}$/);
  });

  it('builds a postback without a mid', () => {
    const event = postback({ psid: USER, title: 'Get Started', payload: 'GET_STARTED', mid: null });
    expect(event.postback).toEqual({ title: 'Get Started', payload: 'GET_STARTED' });
    expect(Object.keys(event.postback)).not.toContain('mid');
  });

  it('builds a delivery without mids (and without a timestamp, as Meta does)', () => {
    const event = delivery({ psid: USER, watermark: 1 });
    expect(event).toEqual({ sender: { id: USER }, recipient: { id: PAGE }, delivery: { watermark: 1 } });
  });

  it('builds every attachment type', () => {
    for (const type of ['image', 'audio', 'video', 'file'] as const) {
      const a = attachmentMessage({ psid: USER, type }).message.attachments![0]!;
      expect(a.type).toBe(type);
      expect('url' in a.payload && a.payload.url).toMatch(/^https:\/\//);
    }
    const location = attachmentMessage({ psid: USER, type: 'location', coordinates: { lat: 1.5, long: -2 } });
    expect(location.message.attachments![0]).toMatchObject({
      type: 'location',
      payload: { coordinates: { lat: 1.5, long: -2 } },
    });
    const sticker = attachmentMessage({ psid: USER, type: 'image', stickerId: 369239263222822 });
    expect(sticker.message.sticker_id).toBe(369239263222822);
  });

  it('builds an echo from a person in the page inbox (no app_id, no metadata)', () => {
    const event = echo({ psid: USER, text: 'Hi, Anna here', appId: null, metadata: null });
    expect(event.message).toEqual({ is_echo: true, mid: event.message.mid, text: 'Hi, Anna here' });
    expect(event.sender.id).toBe(PAGE);
    expect(event.recipient.id).toBe(USER);
  });

  it('classifies events like the bot must', () => {
    expect(eventKind(textMessage({ psid: USER, text: 'x' }))).toBe('text');
    expect(eventKind(quickReplyMessage({ psid: USER, text: 'x', payload: 'P' }))).toBe('quick_reply');
    expect(eventKind(attachmentMessage({ psid: USER, type: 'audio' }))).toBe('attachment');
    expect(eventKind(postback({ psid: USER, title: 't', payload: 'p' }))).toBe('postback');
    expect(eventKind(echo({ psid: USER, text: 'x' }))).toBe('echo');
    expect(eventKind(delivery({ psid: USER, watermark: 1 }))).toBe('delivery');
    expect(eventKind(read({ psid: USER, watermark: 1 }))).toBe('read');
  });
});
