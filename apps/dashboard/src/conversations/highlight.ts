import { searchTerms } from '@botpulse/protocol';

export interface TextSegment {
  text: string;
  match: boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A text cut into plain and matched pieces for the search's words (case-insensitive, any script),
 * rendered as text nodes: the matched words are highlighted without ever parsing the text as HTML.
 */
export function highlightSegments(text: string, q: string | undefined): TextSegment[] {
  const terms = searchTerms(q);
  if (!text || terms.length === 0) return text ? [{ text, match: false }] : [];
  // Longest first, so "straße" wins over "str" where both match.
  const pattern = new RegExp(
    [...terms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'giu',
  );
  const out: TextSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m[0].length === 0) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index), match: false });
    out.push({ text: m[0], match: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}
