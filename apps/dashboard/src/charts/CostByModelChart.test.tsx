import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeTimeline } from '../test/fixtures';
import { costSeries } from '../transforms/genAi';
import CostByModelChart from './CostByModelChart';

describe('CostByModelChart', () => {
  // jsdom has no layout, so Recharts draws no bars here: the bars and hatching are seen in the
  // screenshots and the Chromium e2e; the series (stacking, "so far") is tested in genAi.test.ts.
  it('is one named image with a summary in words', () => {
    const timeline = makeTimeline();
    timeline.buckets[6] = { ...timeline.buckets[6]!, partial: true };
    const series = costSeries(timeline);
    render(<CostByModelChart series={series} granularity="day" height={260} />);
    const img = screen.getByRole('img', { name: 'Gemini cost per day by model' });
    const summary = document.getElementById(img.getAttribute('aria-describedby')!);
    expect(summary?.textContent).toBe(
      'Gemini cost per day, $4.71 in total (gemini-2.5-flash, gemini-2.5-pro); highest $0.70 on 7 Mar.',
    );
  });
});
