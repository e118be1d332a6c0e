import { readFileSync } from 'node:fs';

/** A value's structure without its data: the same keys and the same JSON types, element by element. */
export type Shape = string | Shape[] | { [key: string]: Shape };

export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value === 'object') {
    const out: Record<string, Shape> = {};
    for (const key of Object.keys(value).sort()) out[key] = shapeOf((value as Record<string, unknown>)[key]);
    return out;
  }
  return typeof value;
}

/** Reads a wire-format fixture from tools/fixtures (a copy of the shared design fixtures). */
export function fixture(relativePath: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${relativePath}`, import.meta.url), 'utf8'));
}
