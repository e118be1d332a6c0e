import { memo } from 'react';
import { highlightSegments } from './highlight';

/** Text with the search's words in <mark>: React text nodes only, never HTML. */
export const Highlighted = memo(function Highlighted({ text, q }: { text: string; q: string | undefined }) {
  return (
    <>
      {highlightSegments(text, q).map((s, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: segments of one fixed text, never reordered
        s.match ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>,
      )}
    </>
  );
});
