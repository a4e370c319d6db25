// The lab's commands as the panel offers them (README, "Lab"): each with boxes for its arguments and their
// defaults, and a line saying what the browser should show, worded from the arguments as they are typed. Where
// browsers may differ, the line says what Chromium was seen to do (LabPanelTest pins close-raw 1006 and 999, drop
// and ping).

import { LIMITS } from './endpoints.js';
import { count, cut, el, plural } from './view.js';

/** A value typed into a box, short and without backticks, to quote inside an expectation. */
const quoted = (text) => cut(text ?? '', 40).replaceAll('`', "'");

const MAX_MESSAGE = LIMITS.maxMessageBytes; // wsdeck.limits.max-message-size: the lab refuses a larger size

const number = (name, label, value, min, max) => ({ name, label, value, min, max, type: 'number' });
// A CODE before a REASON: left empty, the REASON would be sent in its place (close with no code sent "close custom").
const code = (value) => ({ ...number('code', 'CODE', value, 0, 65_535), required: '' });
const text = (name, label, value) => ({ name, label, value, type: 'text' });

/** Words in `backticks` are set as code. */
const GROUPS = [
  {
    title: 'Ask',
    commands: [
      { word: 'help', expect: () => 'a message listing every command; it is shown in full at the foot of this panel' },
      {
        word: 'headers',
        expect: () => 'a message with the handshake request as the browser sent it: `User-Agent`, `Origin`, '
          + '`Sec-WebSocket-Key`, `Sec-WebSocket-Extensions`…',
      },
      {
        word: 'echo',
        args: [text('text', 'TEXT', 'hello lab')],
        expect: (a) => `the message \`"${quoted(a.text)}"\`, late by the delay if one is set`,
      },
      {
        word: 'delay',
        args: [number('ms', 'MS', 1000, 0, 60_000)],
        also: 'delay 0',
        expect: (a) => `\`"ok: delay ${a.ms} ms"\`; from then on echoes (\`echo\`, binary sends) come back `
          + `${count(a.ms)} ms late, still in order. \`delay 0\` stops.`,
      },
    ],
  },
  {
    title: 'Messages',
    commands: [
      {
        word: 'send',
        args: [number('n', 'N bytes', 100_000, 0, MAX_MESSAGE), number('k', 'K frames', 13, 1, 10_000)],
        expect: (a) => `one string of ${plural(a.n, 'char')} in ${plural(a.k, 'frame')} on the wire; the browser joins `
          + 'them, a page never sees frames',
      },
      {
        word: 'send-binary',
        args: [number('n', 'N bytes', 100_000, 0, MAX_MESSAGE), number('k', 'K frames', 10, 1, 10_000)],
        expect: (a) => `one \`Blob\` or \`ArrayBuffer\` (as \`binaryType\` says) of ${count(a.n)} B, from `
          + `${plural(a.k, 'frame')}`,
      },
      {
        word: 'flood',
        args: [number('n', 'N messages', 1000, 1, 100_000), number('s', 'S bytes', 100, 0, MAX_MESSAGE)],
        expect: (a) => `${plural(a.n, 'string')} of ${plural(a.s, 'char')}, then \`"flood done ${a.n}"\`. The log keeps `
          + 'the newest 500 entries; the count at the foot of this panel keeps them all.',
      },
      {
        word: 'flood-binary',
        args: [number('n', 'N messages', 100, 1, 100_000), number('s', 'S bytes', 1024, 0, MAX_MESSAGE)],
        expect: (a) => `${plural(a.n, 'binary message')} of ${count(a.s)} B, then \`"flood done ${a.n}"\``,
      },
    ],
  },
  {
    title: 'Control frames and endings',
    commands: [
      {
        word: 'ping',
        args: [text('payload', 'PAYLOAD', 'hello', 125)],
        expect: (a) => 'no event for the ping: the browser answers it with a pong by itself. Then the message '
          + `\`"pong received: ${quoted(a.payload)}"\`.`,
      },
      {
        word: 'close',
        // No bounds in the boxes: a code or reason the server refuses gets its answer, which says why.
        args: [code(4000), text('reason', 'REASON', 'custom')],
        expect: (a) => `\`close\` ${a.code}, \`"${quoted(a.reason)}"\`, \`wasClean\` true: the browser answers the `
          + 'close frame and the server ends the connection',
      },
      {
        word: 'close-raw',
        args: [code(1006), text('reason', 'REASON', 'forbidden')],
        expect: (a) => closeRawExpectation(Number(a.code)),
      },
      {
        word: 'drop',
        expect: () => 'no close frame, the TCP connection just ends: `close` 1006, reason `""`, `wasClean` false, '
          + 'and no `error` event (Chromium fires one for `close-raw 1006`, not here)',
      },
      {
        word: 'fail',
        expect: () => 'the server\'s handler throws, as a bug would: `close` 1011, `"internal error: LabFailure"`, '
          + '`wasClean` true; the server logs the stack trace, and other sessions carry on',
      },
    ],
  },
];

/** What Chromium does with each kind of close code it receives, as observed. */
function closeRawExpectation(code) {
  if (code === 1005 || code === 1006 || code === 1015) {
    return `${code} is reserved and never sent, so the browser fails the connection: \`error\`, then \`close\` 1006, `
      + 'reason `""`, `wasClean` false; the console says "Received a broken close frame containing a reserved status code"';
  }
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) {
    return `${code} is a code a server may send: as with \`close\`, reported as is, \`wasClean\` true`;
  }
  return `${code} is not a valid close code (RFC 6455 7.4), yet Chromium does not fail the connection: it reports `
    + `\`close\` ${code} with the reason, \`wasClean\` true, where a strict client fails with 1002`;
}

/** Text with `code` spans, as DOM nodes. */
function rich(textWithCode) {
  return textWithCode.split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));
}

/**
 * The text message a form stands for: the command word, then each argument in order, with empty trailing ones left
 * out (`close 4000`, `ping`).
 */
function commandLine(word, inputs) {
  const args = inputs.map((input) => input.value);
  while (args.length > 0 && args[args.length - 1].trim() === '') {
    args.pop();
  }
  return [word, ...args].join(' ');
}

function commandForm({ word, args = [], also, expect }, run) {
  const inputs = args.map(({ label, ...attributes }) => el('input', { ...attributes, autocomplete: 'off' }));
  const boxes = args.map(({ label, type }, i) => el('label', { class: `field ${type === 'number' ? 'narrow' : 'grow'}` },
    el('span', {}, label), inputs[i]));
  const line = el('p', { class: 'expect' });
  const form = el('form', { class: 'lab-command', 'data-command': word },
    el('button', { type: 'submit' }, word), ...boxes,
    // A fixed line beside the boxes (delay 0) needs no valid box to go out.
    also ? el('button', { type: 'submit', class: 'secondary', 'data-line': also, formnovalidate: '' }, also) : null,
    line);
  const describe = () => line.replaceChildren(...rich(expect(Object.fromEntries(inputs.map((i) => [i.name, i.value])))));
  describe();
  form.addEventListener('input', describe);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run(event.submitter?.dataset.line || commandLine(word, inputs));
  });
  return form;
}

/** Fills the container with a form per command, in groups; run(line) is called with the text message to send. */
export function renderCommands(container, run) {
  container.replaceChildren(...GROUPS.flatMap(({ title, commands }) => [
    el('h3', {}, title),
    el('ul', { class: 'lab-commands' }, ...commands.map((command) => el('li', {}, commandForm(command, run)))),
  ]));
}
