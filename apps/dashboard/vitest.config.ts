import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';

export default defineProject({
  plugins: [react()],
  test: {
    name: 'dashboard',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/test/setup.ts'],
    // Rendering whole pages with charts in jsdom takes 1–2 s alone and over 5 s (vitest's default
    // limit) on a loaded 2-core machine; a limit is not a speed target (those live in the bench).
    testTimeout: 20_000,
  },
});
