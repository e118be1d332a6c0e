import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';
import { mockApi } from '../test/mockApi';
import { renderApp } from '../test/renderApp';
import { signedInRoutes } from '../test/routes';

async function openDialog(answer: { status: number; body?: unknown }) {
  const calls = mockApi(signedInRoutes(undefined, { 'POST /api/auth/password': answer }));
  renderApp(new FakeSocket(), '/');
  fireEvent.click(await screen.findByRole('button', { name: /admin/ }));
  fireEvent.click(screen.getByRole('menuitem', { name: 'Change password' }));
  const dialog = screen.getByRole('dialog', { name: 'Change password' });
  const fill = (label: string, value: string) =>
    fireEvent.change(within(dialog).getByLabelText(label), { target: { value } });
  return { calls, dialog, fill };
}

describe('Change password', () => {
  it('checks length and confirmation before asking the server', async () => {
    const { calls, dialog, fill } = await openDialog({ status: 204 });
    fill('Current password', 'old-password');
    fill('New password', 'short');
    fill('Repeat new password', 'short');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('at least 12 characters');
    fill('New password', 'a-long-enough-password');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect(within(dialog).getByRole('alert').textContent).toContain('not the same');
    expect(calls.some((c) => c.url.pathname === '/api/auth/password')).toBe(false);
  });

  it("shows the server's reason and stays signed in on a wrong current password", async () => {
    const { dialog, fill } = await openDialog({
      status: 401,
      body: { error: 'invalid_credentials', message: 'The current password is wrong' },
    });
    fill('Current password', 'not-it');
    fill('New password', 'a-long-enough-password');
    fill('Repeat new password', 'a-long-enough-password');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The current password is wrong');
    expect(screen.getByTestId('location').textContent).toBe('/');
  });

  it('confirms a change', async () => {
    const { calls, dialog, fill } = await openDialog({ status: 204 });
    fill('Current password', 'old-password');
    fill('New password', 'a-long-enough-password');
    fill('Repeat new password', 'a-long-enough-password');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change password' }));
    await waitFor(() => expect(screen.getByRole('dialog', { name: 'Password changed' })).toBeTruthy());
    expect(calls.find((c) => c.url.pathname === '/api/auth/password')?.body).toEqual({
      current_password: 'old-password',
      new_password: 'a-long-enough-password',
    });
  });
});
