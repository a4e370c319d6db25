// The lab endpoint, /ws/lab: every text message sent there is one command that makes the server misbehave on
// purpose (README, "Lab"), so a person can watch what the browser's WebSocket does when a server closes with a code
// the RFC forbids, drops the TCP connection, pings, fragments or floods. The answers are ordinary message and close
// events, so they go to the event log like any other; this panel sends the commands (lab-commands.js has them and
// what each should show) and counts what came back since the last one (the log keeps only its newest entries).
//
// A command goes out on the current socket when that socket is connected to the lab. Otherwise the click connects
// to the lab first, through the Connect panel (so its address, readyState and event log follow), and sends the
// command once the socket opens.

import { ENDPOINTS } from './endpoints.js';
import { renderCommands } from './lab-commands.js';
import { bytes, cut, el, preview, renderNow, renderSoon } from './view.js';

export const LAB_PATH = ENDPOINTS.lab;

const SHOWN_REPLY = 4000; // characters of the last text answer shown in full (help is about 1,200, headers less)

const numbers = new Intl.NumberFormat('en');

/** What TextEncoder would count, without encoding: a flood's every message is counted. */
function utf8Length(text) {
  let length = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length
      && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      length += 2; // a pair: 2 units, 4 bytes
      i += 1;
    } else if (unit >= 0x800) {
      length += 2; // 3 bytes (a lone surrogate becomes U+FFFD, 3 bytes too)
    } else if (unit >= 0x80) {
      length += 1;
    }
  }
  return length;
}

export function isLabSocket(ws) {
  try {
    return new URL(ws.url).pathname === LAB_PATH;
  } catch {
    return false;
  }
}

export class Lab {
  /**
   * @param connectToLab () => the new socket, or null when the constructor threw (the log says why); it must hand
   *   the socket to attach() before returning, as Connection.connect() does through onSocket
   */
  constructor({ commands, socketBox, status, connectButton, since, reply, log, connectToLab }) {
    this.socketBox = socketBox;
    this.status = status;
    this.connectButton = connectButton;
    this.since = since;
    this.reply = reply;
    this.log = log;
    this.connectToLab = connectToLab;
    this.ws = null;
    this.label = '';
    this.onLab = false;
    this.pending = null; // the command waiting for the lab socket to open
    this.unsent = null; // the command whose socket closed before it opened
    this.tally = null;
    this.replyShown = null; // the answer in the reply box, uncut
    this.renderTally = () => this.showTally();

    renderCommands(commands, (line) => this.run(line));
    connectButton.addEventListener('click', () => this.connect());
    this.show();
  }

  /** Every new socket, lab or not, before it can receive anything. */
  attach(ws, label) {
    this.ws = ws;
    this.label = label;
    this.onLab = isLabSocket(ws);
    this.unsent = null;
    if (!this.onLab) {
      this.pending = null; // the person connected somewhere else: a command waiting for the lab is off
      this.show();
      return;
    }
    ws.addEventListener('open', () => {
      if (ws === this.ws && this.pending !== null) {
        const line = this.pending;
        this.pending = null;
        this.send(line);
      }
    });
    ws.addEventListener('message', (event) => {
      if (ws === this.ws) {
        this.received(event.data);
      }
    });
    ws.addEventListener('close', () => {
      if (ws === this.ws && this.pending !== null) {
        this.unsent = this.pending;
        this.pending = null;
        this.show(); // readyState was already CLOSED at the error event before, so no state change will say it
      }
    });
    this.show();
  }

  /** The current socket's readyState changed. */
  stateChanged() {
    this.show();
  }

  /** Sends the command on the lab socket, connecting to the lab first when the current socket is not on it. */
  run(line) {
    const ws = this.ws;
    if (this.onLab && ws.readyState === WebSocket.OPEN) {
      this.send(line);
      return;
    }
    this.pending = line;
    if (this.onLab && ws.readyState === WebSocket.CONNECTING) {
      this.show();
      return;
    }
    this.connect();
  }

  connect() {
    const pending = this.pending;
    const ws = this.connectToLab();
    if (ws === null) {
      this.pending = null;
      this.unsent = pending;
    }
    this.show();
  }

  send(line) {
    try {
      this.ws.send(line);
    } catch (error) {
      this.log.add({ type: 'exception', via: 'send()', source: this.label, details: `${error.name}: ${error.message}` });
      return;
    }
    this.log.add({ type: 'command', via: 'send()', source: this.label, details: `${preview(line)} to the lab` });
    // The box shows the last text answer to this command: an earlier command's would read as this one's.
    this.tally = { command: line, messages: 0, bytes: 0, last: null, lastText: null };
    this.showTally();
  }

  /** Counts the message; the panel shows the count once a frame (renderSoon), as a flood brings thousands a second. */
  received(data) {
    if (this.tally === null) {
      this.tally = { command: '', messages: 0, bytes: 0, last: null, lastText: null };
    }
    const text = typeof data === 'string';
    this.tally.messages += 1;
    this.tally.bytes += text ? utf8Length(data) : (data.byteLength ?? data.size);
    this.tally.last = text ? data : null;
    if (text) {
      this.tally.lastText = data;
    }
    renderSoon(this.renderTally);
  }

  showTally() {
    const { command, messages, bytes: total, last, lastText } = this.tally;
    Object.assign(this.since.dataset, { command, messages: String(messages), bytes: String(total) });
    this.since.dataset.last = last ?? '';
    this.since.replaceChildren(
      command === '' ? 'Unasked: ' : el('span', {}, 'Since ', el('code', {}, cut(command, 60)), ': '),
      el('b', {}, numbers.format(messages)), ` message${messages === 1 ? '' : 's'}, ${bytes(total)}`,
      lastText !== null ? '; the last text answer:' : '');
    if (lastText !== this.replyShown) { // a long answer is cut and written again only when another came
      this.replyShown = lastText;
      this.reply.hidden = lastText === null;
      this.reply.textContent = lastText === null ? '' : cut(lastText, SHOWN_REPLY);
    }
  }

  /** Says which socket the buttons use, and what a click does now. */
  show() {
    renderNow(); // the counts and the log first: this may say the socket closed
    const ws = this.ws;
    const state = ws ? ws.readyState : null;
    let box;
    let text;
    if (this.onLab && state === WebSocket.OPEN) {
      box = 'open';
      text = [`Connected: ${this.label} is on the lab. Each button sends its command as one text message on it.`];
    } else if (this.onLab && state === WebSocket.CONNECTING) {
      box = 'connecting';
      text = [`Connecting ${this.label} to the lab…`,
        ...(this.pending !== null ? [' ', el('code', {}, cut(this.pending, 60)), ' goes out as soon as it opens.'] : [])];
    } else if (this.onLab) {
      box = 'closed';
      text = this.unsent !== null
        ? [`${this.label} to the lab closed before it opened, so `, el('code', {}, cut(this.unsent, 60)),
          ' was not sent (the log shows what happened). A button tries again.']
        : [`${this.label} to the lab is ${state === WebSocket.CLOSING ? 'closing' : 'closed'}; its close event is in `
          + 'the log. A button connects again, then sends.'];
    } else {
      box = ws ? 'elsewhere' : 'none';
      const elsewhere = ws !== null && state <= WebSocket.OPEN;
      text = [elsewhere ? `${this.label} is connected elsewhere, not to the lab. A button closes it, connects to `
        : 'Not connected to the lab. A button connects to ', el('code', {}, LAB_PATH),
      ' and sends its command once the socket opens.'];
      if (this.unsent !== null) {
        text.push(' ', el('code', {}, cut(this.unsent, 60)), ' was not sent: new WebSocket() threw (see the log).');
      }
    }
    this.socketBox.dataset.state = box;
    this.status.replaceChildren(...text);
    this.connectButton.hidden = box === 'open' || box === 'connecting';
  }
}
