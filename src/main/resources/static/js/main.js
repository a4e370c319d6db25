// Wires the panels of the page to one Connection. Each module is one part of the WebSocket API.

import { defaultAddress, withPath, withTick } from './address.js';
import { BinaryTypeSwitch } from './binary-type.js';
import { Connection, MAX_CLOSE_REASON } from './connection.js';
import { describeContext } from './digest.js';
import { ENDPOINTS } from './endpoints.js';
import { ErrorDemo } from './error-demo.js';
import { EventLog } from './event-log.js';
import { LAB_PATH, Lab } from './lab.js';
import { Pushes } from './push.js';
import { ReadyStateView, STATE_NAMES } from './ready-state.js';
import { MAX_MESSAGE, Sender } from './sending.js';
import { $, bytes } from './view.js';

const context = describeContext();
$('#context').textContent = context.text;
$('#context').dataset.secure = String(context.secure);

const log = new EventLog($('#event-log'));
$('#clear-events').addEventListener('click', () => log.clear());

const connection = new Connection(log, new ReadyStateView($('#ready-state'), $('#transitions'), $('#transitions-of')));

// Connect: the address follows the endpoint picker until the person edits it. The picker shows this server's
// paths (wsdeck.endpoints.* may move them from the defaults written in the page).
const address = $('#address');
const endpointRadios = document.querySelectorAll('input[name="endpoint"]');
endpointRadios.forEach((radio) => {
  radio.value = ENDPOINTS[radio.dataset.endpoint];
  radio.parentElement.querySelector('code').textContent = radio.value;
});
address.value = defaultAddress(document.querySelector('input[name="endpoint"]:checked').value);
endpointRadios.forEach((radio) => radio.addEventListener('change', () => {
  address.value = withPath(address.value, radio.value);
}));

function connect() {
  const protocols = $('#protocols').value.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  return connection.connect(address.value.trim(), protocols);
}

$('#connect-form').addEventListener('submit', (event) => {
  event.preventDefault();
  connect();
});

// close(code, reason): no min, max or maxlength on the boxes, so that the browser's own InvalidAccessError and
// SyntaxError show; the byte count says beforehand what the SyntaxError will be about.
const closeReason = $('#close-reason');
closeReason.addEventListener('input', () => showReasonBytes(closeReason, $('#close-reason-bytes')));
$('#close-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const code = $('#close-code').value.trim();
  const reason = closeReason.value;
  if (code === '') {
    // Not close(undefined, reason): Chromium turns that undefined into code 0 and throws.
    connection.closeWithoutCode(reason);
  } else {
    connection.close(Number(code), reason === '' ? undefined : reason);
  }
});

function showReasonBytes(box, output) {
  const size = new TextEncoder().encode(box.value).byteLength;
  output.dataset.bytes = String(size);
  output.textContent = `${size} of 123 UTF-8 bytes`;
  box.setAttribute('aria-invalid', String(size > MAX_CLOSE_REASON));
}

// binaryType
const binaryType = new BinaryTypeSwitch(document.querySelectorAll('input[name="binaryType"]'), $('#binary-type-now'));

// send() and bufferedAmount
const sender = new Sender({ table: $('#sends'), bufferedNow: $('#buffered-now'), bufferedBar: $('#buffered-bar') });
$('#send-text-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sender.sendText($('#send-text').value);
});
$('#send-file-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const file = $('#send-file').files[0];
  if (file) {
    sender.sendFile(file);
  }
});
// The size box is required, at least 1 and whole (an empty box would send a 0-byte ArrayBuffer); it has no
// maximum, so a message over the server's limit can be sent to see its 1009 close.
const bufferSize = $('#send-buffer-size');
// The default (the tutorial's 10,000,000 bytes) within this server's limit, so the first send is an echo, not a 1009.
bufferSize.value = String(Math.min(Number(bufferSize.value), MAX_MESSAGE));
$('#send-buffer-limit').textContent = bytes(MAX_MESSAGE);
bufferSize.addEventListener('input', () => {
  const over = Number(bufferSize.value) > MAX_MESSAGE;
  $('#send-buffer-hint').dataset.over = String(over);
});
$('#send-buffer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sender.sendBuffer(Number(bufferSize.value));
});

// Server push
const pushes = new Pushes({
  toggle: $('#tick-toggle'), interval: $('#tick-ms'), problem: $('#tick-problem'), list: $('#pushes'), count: $('#push-count'),
  broadcastResult: $('#broadcast-result'), address, isEcho: (event) => sender.isEcho(event),
  reconnect: () => {
    if (connection.ws && connection.ws.readyState <= WebSocket.OPEN) {
      connect();
    }
  },
});
$('#broadcast-curl').textContent = `curl -X POST --data 'from curl' ${location.origin}/api/broadcast`;
$('#broadcast-form').addEventListener('submit', (event) => {
  event.preventDefault();
  pushes.broadcast($('#broadcast-text').value);
});

// The lab: its buttons connect the Connect panel to /ws/lab when it is elsewhere, without ticks (the lab refuses
// ?tick= with 400, and a tick in a flood would spoil the count).
const lab = new Lab({
  commands: $('#lab-commands'), socketBox: $('#lab-socket'), status: $('#lab-status'),
  connectButton: $('#lab-connect'), since: $('#lab-since'), reply: $('#lab-reply'), log,
  connectToLab: () => {
    document.querySelector(`input[name="endpoint"][value="${LAB_PATH}"]`).checked = true;
    $('#tick-toggle').checked = false;
    address.value = withTick(withPath(address.value, LAB_PATH), null);
    return connect();
  },
});

// Every new socket goes to the panels that listen to it, before it can receive anything. The sender comes before
// the pushes: its listener decides which messages were echoes, which the pushes' listener then leaves out.
connection.onSocket((ws, label) => {
  binaryType.attach(ws);
  sender.attach(ws);
  pushes.attach(ws, label);
  lab.attach(ws, label);
  $('#socket-note').hidden = true;
  $('#ready-state-panel').dataset.stale = 'false';
  $('#socket-url').textContent = ws.url;
  $('#socket-protocol').textContent = '—';
  $('#socket-extensions').textContent = '—';
  ws.addEventListener('open', () => {
    $('#socket-protocol').textContent = `"${ws.protocol}"`;
    $('#socket-extensions').textContent = `"${ws.extensions}"`;
  });
});

// A constructor that throws creates no socket: the panels keep showing the one before, and say so.
connection.onConstructorError((error, previous) => {
  const note = $('#socket-note');
  note.hidden = false;
  note.textContent = `new WebSocket() threw ${error.name}, so no socket was created. `
    + (previous === null ? 'There is none yet.' : `What this page shows is still ${previous}, the socket from before, `
      + `which is ${STATE_NAMES[connection.ws.readyState]}.`);
  $('#ready-state-panel').dataset.stale = String(previous !== null);
});

// Buttons that need an open socket are enabled only while it is open.
connection.onState((state) => {
  const open = state === WebSocket.OPEN;
  for (const id of ['#send-text-button', '#send-file-button', '#send-buffer-button']) {
    $(id).disabled = !open;
  }
  $('#close-button').disabled = state > WebSocket.OPEN;
  lab.stateChanged(state);
});

// onerror
const errorDemo = new ErrorDemo({ port: $('#error-demo-port'), result: $('#error-demo-result'), log });
$('#error-demo-form').addEventListener('submit', (event) => {
  event.preventDefault();
  errorDemo.run();
});

document.body.dataset.ready = 'true';
