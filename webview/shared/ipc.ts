// Typed messaging with the extension host. Every message is built from a descriptor of the
// shared protocol module, so method names are never spelled here.
import type { IpcMessage, IpcMessageType } from '../../src/protocol/webview';

interface VsCodeApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export class HostConnection<S> {
  private readonly api: VsCodeApi<S>;
  private readonly handlers: { type: IpcMessageType<unknown>; handler: (params: unknown) => void }[] = [];

  constructor() {
    // acquireVsCodeApi may be called only once per page.
    this.api = acquireVsCodeApi<S>();
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      for (const { type, handler } of this.handlers) {
        if (type.is(event.data)) handler((event.data as IpcMessage<unknown>).params);
      }
    });
  }

  post<P>(type: IpcMessageType<P>, params: P): void {
    this.api.postMessage(type.create(params));
  }

  on<P>(type: IpcMessageType<P>, handler: (params: P) => void): void {
    this.handlers.push({ type: type as IpcMessageType<unknown>, handler: handler as (params: unknown) => void });
  }

  /** The webview's own saved state; survives the panel being hidden and VS Code reloading. */
  getState(): S | undefined {
    return this.api.getState();
  }

  setState(state: S): void {
    this.api.setState(state);
  }
}
