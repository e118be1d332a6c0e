import type { ReactNode } from 'react';

export interface CardProps {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  /** the id of the title, for aria-labelledby on regions inside */
  titleId?: string;
}

/** Every panel on both pages: one header layout, one padding, one border. */
export function Card({ title, subtitle, actions, children, className, testId, titleId }: CardProps) {
  return (
    <section
      className={`card${className ? ` ${className}` : ''}`}
      data-testid={testId}
      aria-labelledby={titleId}
    >
      <header className="card-header">
        <div className="card-heading">
          <h2 className="card-title" id={titleId}>
            {title}
          </h2>
          {subtitle ? <p className="card-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="card-actions">{actions}</div> : null}
      </header>
      <div className="card-body">{children}</div>
    </section>
  );
}
