import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { CardErrorBoundary } from './CardErrorBoundary';

let broken = true;
function Fragile() {
  if (broken) throw new Error('cannot read properties of undefined');
  return <p>chart drawn</p>;
}

describe('CardErrorBoundary', () => {
  it('contains a failing card, explains it and retries', () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    render(
      <div>
        <CardErrorBoundary name="The volume chart">
          <Fragile />
        </CardErrorBoundary>
        <p>other card</p>
      </div>,
    );
    expect(screen.getByText('The volume chart could not be shown')).toBeTruthy();
    expect(screen.getByText('cannot read properties of undefined')).toBeTruthy();
    expect(screen.getByText('other card')).toBeTruthy();
    broken = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(screen.getByText('chart drawn')).toBeTruthy();
    consoleError.mockRestore();
  });
});
