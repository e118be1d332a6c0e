import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ErrorState } from './ErrorState';

interface Props {
  /** what failed, in words: "The response time card" */
  name: string;
  children: ReactNode;
  /** minimum height of the fallback, so the grid does not jump when a card fails */
  minHeight?: number;
  onReset?: () => void;
}

interface State {
  error: Error | null;
}

/**
 * One per card: a render bug in one chart must not blank the whole dashboard (the plan dropped
 * error boundaries; a monitor that goes white when one panel breaks is no monitor).
 */
export class CardErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.name} failed to render`, error, info.componentStack);
  }

  private readonly reset = () => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <section className="card" style={{ minHeight: this.props.minHeight }}>
        <ErrorState
          title={`${this.props.name} could not be shown`}
          message={this.state.error.message || 'Unexpected error while drawing this panel.'}
          onRetry={this.reset}
        />
      </section>
    );
  }
}
