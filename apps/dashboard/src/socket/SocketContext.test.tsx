import { act, render, screen, waitFor } from '@testing-library/react';
import { useEffect } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import { envelope, makeMessage } from '../test/fixtures';
import { SocketProvider, type SocketProviderProps, useSocket } from './SocketContext';

function Probe({ resumeFrom }: { resumeFrom?: number | null }) {
  const { state, listen, setResumePoint, lastSeenId } = useSocket();
  useEffect(() => listen('message:new', () => {}), [listen]);
  useEffect(() => {
    if (resumeFrom !== undefined) setResumePoint(resumeFrom);
  }, [resumeFrom, setResumePoint]);
  return (
    <output data-testid="connection-state" data-state={state} data-last={String(lastSeenId())}>
      {state}
    </output>
  );
}

function setup(props: Partial<SocketProviderProps> & { resumeFrom?: number | null } = {}) {
  const socket = new FakeSocket();
  const { resumeFrom, ...rest } = props;
  const view = render(
    <SocketProvider createSocket={() => socket} {...rest}>
      <Probe resumeFrom={resumeFrom} />
    </SocketProvider>,
  );
  const state = () => screen.getByTestId('connection-state').getAttribute('data-state');
  return { socket, state, ...view };
}

describe('SocketProvider', () => {
  it('connects at once but subscribes only once the resume point is known', () => {
    const { socket, rerender } = setup();
    expect(socket.connectCalls).toBe(1);
    act(() => socket.serverConnect());
    expect(socket.subscribes).toHaveLength(0);
    rerender(
      <SocketProvider createSocket={() => socket}>
        <Probe resumeFrom={41} />
      </SocketProvider>,
    );
    expect(socket.lastSubscribe?.request.since).toBe(41);
  });

  it('subscribes without since when there is nothing to resume from', () => {
    const { socket, state } = setup({ subscribeImmediately: true });
    act(() => socket.serverConnect());
    expect(socket.lastSubscribe?.request).toEqual({
      type: 'subscribe',
      channels: ['metrics', 'messages', 'health', 'errors'],
    });
    expect(state()).toBe('live');
  });

  it('resumes from the newest id seen, even when messages arrive out of order', () => {
    const { socket } = setup({ resumeFrom: 10 });
    act(() => socket.serverConnect());
    act(() => {
      socket.send('message:new', envelope('message:new', makeMessage(12)));
      socket.send('message:new', envelope('message:new', makeMessage(11)));
    });
    act(() => socket.serverDrop());
    act(() => socket.serverConnect());
    expect(socket.subscribes.map((s) => s.request.since)).toEqual([10, 12]);
  });

  it('is not live until the subscribe is acknowledged, and asks again after a refusal', async () => {
    const { socket, state } = setup({ resumeFrom: 0, resubscribeDelayMs: 20 });
    socket.autoAck = false;
    act(() => socket.serverConnect());
    expect(state()).toBe('reconnecting');
    act(() => socket.lastSubscribe?.ack({ ok: false, error: 'busy' }));
    expect(state()).toBe('reconnecting');
    await waitFor(() => expect(socket.subscribes).toHaveLength(2));
    act(() => socket.lastSubscribe?.ack({ ok: true, channels: ['metrics'], replayed: 0, last_id: 0 }));
    expect(state()).toBe('live');
  });

  it('says offline after the grace period, keeps retrying, and comes back live by itself', async () => {
    const { socket, state } = setup({ resumeFrom: 0, offlineAfterMs: 30 });
    act(() => socket.serverConnect());
    act(() => socket.serverDrop());
    expect(state()).toBe('reconnecting');
    await waitFor(() => expect(state()).toBe('offline'));
    act(() => socket.serverConnect());
    expect(state()).toBe('live');
  });

  it('reconnects by itself when the server disconnected it', async () => {
    vi.useFakeTimers();
    const { socket } = setup({ resumeFrom: 0 });
    act(() => socket.serverConnect());
    act(() => socket.serverDrop('io server disconnect'));
    expect(socket.connectCalls).toBe(1);
    act(() => vi.advanceTimersByTime(1_000));
    expect(socket.connectCalls).toBe(2);
  });

  it('follows the browser going offline and back online', () => {
    const { socket, state } = setup({ resumeFrom: 0 });
    act(() => socket.serverConnect());
    act(() => window.dispatchEvent(new Event('offline')));
    expect(state()).toBe('offline');
    act(() => socket.serverDrop());
    act(() => window.dispatchEvent(new Event('online')));
    expect(state()).toBe('reconnecting');
    expect(socket.connectCalls).toBe(2);
  });

  it('hands "unauthorized" to onUnauthorized and stops', () => {
    const onUnauthorized = vi.fn();
    const { socket } = setup({ resumeFrom: 0, onUnauthorized });
    act(() => socket.serverRefuse('unauthorized'));
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect(socket.disconnectCalls).toBe(1);
  });

  it('removes its listeners and disconnects on unmount', () => {
    const { socket, unmount } = setup({ resumeFrom: 0 });
    expect(socket.listenerCount('message:new')).toBe(1);
    unmount();
    expect(socket.listenerCount('message:new')).toBe(0);
    expect(socket.listenerCount('connect')).toBe(0);
    expect(socket.disconnectCalls).toBe(1);
  });
});
