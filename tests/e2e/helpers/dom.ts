/**
 * The little of the DOM that the tests' `page.evaluate` callbacks touch. Those callbacks run in the
 * browser, but they are type-checked with the Node-side tsconfig, which has no DOM lib; a callback
 * starts with `const { document } = globalThis as unknown as PageGlobals`.
 */
export interface PageElement {
  textContent: string | null;
  scrollHeight: number;
  clientHeight: number;
  scrollWidth: number;
  clientWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { top: number; height: number };
  querySelector(selector: string): PageElement | null;
}

export interface PageGlobals {
  document: {
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
    documentElement: PageElement;
  };
  scrollY: number;
  innerWidth: number;
  scrollTo(x: number, y: number): void;
  getComputedStyle(element: PageElement): {
    textOverflow: string;
    webkitLineClamp: string;
    lineHeight: string;
  };
  /** set by a test to prove that the page was not reloaded */
  e2eMarker?: string;
}
