import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { useLogout } from '../api/logout';
import { useSession } from '../api/me';
import { ChangePasswordDialog } from '../auth/ChangePasswordDialog';

export function UserMenu() {
  const session = useSession();
  const logout = useLogout();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [changing, setChanging] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (menuRef.current && !menuRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onLogout = () => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) });
  const username = session.data?.username ?? 'admin';

  return (
    <div className="user-menu" ref={menuRef}>
      <button
        type="button"
        className="btn btn-ghost user-menu-trigger"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="avatar" aria-hidden="true">
          {username.slice(0, 1).toUpperCase()}
        </span>
        <span className="user-menu-name">{username}</span>
      </button>
      {open ? (
        <div className="menu" role="menu">
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            onClick={() => {
              setOpen(false);
              setChanging(true);
            }}
          >
            Change password
          </button>
          <button type="button" role="menuitem" className="menu-item" onClick={onLogout}>
            Log out
          </button>
        </div>
      ) : null}
      <button
        type="button"
        className="btn btn-secondary btn-sm logout-button"
        onClick={onLogout}
        disabled={logout.isPending}
      >
        Log out
      </button>
      {changing ? <ChangePasswordDialog onClose={() => setChanging(false)} /> : null}
    </div>
  );
}
