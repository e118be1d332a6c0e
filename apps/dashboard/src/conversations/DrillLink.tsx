import type { ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';

/**
 * A link whose target depends on the moment of the click ("the last hour"): the href is right
 * for opening in a new tab, and a plain click computes it again so the window ends at the click.
 */
export function DrillLink({
  to,
  children,
  className,
  title,
  testId,
}: {
  to: () => string;
  children: ReactNode;
  className?: string;
  title?: string;
  testId?: string;
}) {
  const navigate = useNavigate();
  return (
    <Link
      to={to()}
      className={`drill-link${className ? ` ${className}` : ''}`}
      title={title}
      data-testid={testId}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to());
      }}
    >
      {children}
    </Link>
  );
}
