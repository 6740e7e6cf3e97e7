import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, Button, Code, Stack, Text } from '@mantine/core';
import i18n from '../i18n';

interface Props {
  children: ReactNode;
  /** Changing this value clears a caught error (e.g. the screen or the selected item). */
  resetKey?: unknown;
}
interface State {
  error: Error | null;
  resetKey: unknown;
}

/** Bugs in rendering end here, shown as a message with the error, never as a blank window. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('UI error', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <Alert
        color="red"
        variant="light"
        title={i18n.t('errors.boundaryTitle')}
        m="md"
        data-testid="error-boundary"
        role="alert"
      >
        <Stack gap="xs">
          <Text size="sm">{i18n.t('errors.boundaryBody')}</Text>
          <Code block>{`${error.name}: ${error.message}`}</Code>
          <div>
            <Button size="xs" variant="default" onClick={() => this.setState({ error: null })}>
              {i18n.t('actions.tryAgain')}
            </Button>
          </div>
        </Stack>
      </Alert>
    );
  }
}
