// The WebSocket constructor and close(): one current socket, replaced on every Connect.
//
// Panels that need the socket (sending, binaryType, push) subscribe with onSocket() and add their own listeners
// with addEventListener, so none of them takes over another's on… handler.

import { logSocketEvents } from './event-log.js';
import { preview } from './view.js';

/** Bytes of UTF-8 a close reason may have: a control frame's 125 bytes of payload less the 2-byte code. */
export const MAX_CLOSE_REASON = 123;
import { watchReadyState } from './ready-state.js';

export class Connection {
  constructor(log, readyStateView) {
    this.log = log;
    this.readyStateView = readyStateView;
    this.ws = null;
    this.count = 0;
    this.sample = () => {};
    this.socketListeners = [];
    this.stateListeners = [];
    this.constructorErrorListeners = [];
  }

  /** The current socket's number as the log shows it: #1, #2… */
  get label() {
    return `#${this.count}`;
  }

  /** fn(ws, label) for every new socket, before it can receive anything. */
  onSocket(fn) {
    this.socketListeners.push(fn);
  }

  /** fn(readyState) whenever the current socket's readyState is seen to change. */
  onState(fn) {
    this.stateListeners.push(fn);
  }

  get open() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** fn(error, previous) when the constructor throws; previous is the label of the socket still shown, or null. */
  onConstructorError(fn) {
    this.constructorErrorListeners.push(fn);
  }

  /**
   * A new socket in place of the current one. The constructor comes first: when it throws (a bad URL, a bad
   * subprotocol, ws: from an https: page) no socket exists, so none gets a number, and the current one is kept.
   */
  connect(url, protocols) {
    let ws;
    try {
      ws = protocols.length > 0 ? new WebSocket(url, protocols) : new WebSocket(url);
    } catch (error) {
      this.log.add({ type: 'exception', via: 'new WebSocket()', source: 'no socket', details: `${error.name}: ${error.message}` });
      this.constructorErrorListeners.forEach((fn) => fn(error, this.ws ? this.label : null));
      return null;
    }
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) {
      this.close(1000, 'reconnecting');
    }
    this.count += 1;
    const label = this.label;
    this.ws = ws;
    logSocketEvents(ws, this.log, label, protocols);
    this.socketListeners.forEach((fn) => fn(ws, label));
    this.readyStateView.reset(`of ${label} ${url}`);
    this.sample = watchReadyState(ws, (transition) => {
      if (ws === this.ws) {
        this.readyStateView.show(transition);
        this.stateListeners.forEach((fn) => fn(transition.state));
      }
    });
    return ws;
  }

  /** close() with no arguments: the close frame then carries no code, and without a code it cannot carry a reason. */
  closeWithoutCode(reasonTyped = '') {
    if (!this.ws) {
      return;
    }
    this.log.add({
      type: 'call', via: 'close()', source: this.label,
      details: 'no code given, so the close frame carries none (wsdeck logs it as 1005); the close event shows the code '
        + 'of the server\'s answer'
        + (reasonTyped === '' ? '' : `; the reason ${preview(reasonTyped, 40)} is left out: a close frame carries a `
          + 'reason only after a code'),
    });
    this.close();
  }

  close(code, reason) {
    const ws = this.ws;
    if (!ws) {
      return;
    }
    try {
      if (code === undefined) {
        ws.close();
      } else {
        ws.close(code, reason);
      }
    } catch (error) {
      // InvalidAccessError: a code other than 1000 or 3000-4999; SyntaxError: a reason over 123 UTF-8 bytes.
      this.log.add({ type: 'exception', via: 'close()', source: this.label, details: `${error.name}: ${error.message}` });
    }
    this.sample('close() call');
  }
}
