// Shared setup for component tests (jsdom).
import { cleanup, configure } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

// `findBy…`/`waitFor` give up after 1 s by default: too little for a page of charts on a loaded
// 2-core CI machine. A wait that is met returns at once, so this only matters when it would fail.
configure({ asyncUtilTimeout: 5_000 });

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

// jsdom has no layout engine: the virtualizer and Recharts' ResponsiveContainer observe sizes.
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
if (!('ResizeObserver' in globalThis)) {
  Object.defineProperty(globalThis, 'ResizeObserver', { value: ResizeObserverStub, writable: true });
}

// No layout either: report an element's inline pixel height as its client height so fixed-height
// scroll containers (the virtualized feed and tables) have a viewport to render rows into.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement) {
    return Number.parseFloat(this.style.height) || 0;
  },
});
Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
  configurable: true,
  get(this: HTMLElement) {
    return this.style.height ? 800 : 0;
  },
});

if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

if (!Element.prototype.scrollTo) Element.prototype.scrollTo = () => {};
// jsdom does not scroll (and logs "Not implemented" when asked to); the app scrolls on navigation.
window.scrollTo = (() => {}) as typeof window.scrollTo;
