// The close event of a socket that never opened: always 1006, wasClean false, whatever went wrong. The browser keeps
// the reason from scripts on purpose (a page could otherwise probe what listens on a network), so the page cannot
// say which cause it was. It can say where the browser does show it (devtools), which causes this URL makes likely,
// and which wsdeck's log records: only the handshakes that reached it.

import { ENDPOINTS } from './endpoints.js';
import { TICK_RANGE, TICK_RANGE_TEXT } from './address.js';
import { el } from './view.js';

/** The causes a URL alone points to, most telling first; each [status, text]. */
export function likelyCauses(url, protocols = []) {
  let target;
  try {
    target = new URL(url);
  } catch {
    return [];
  }
  const causes = [];
  const paths = Object.values(ENDPOINTS);
  // The endpoints list is this server's: only judge a path on this server's host (its ws: and wss: ports differ).
  if (target.hostname === location.hostname && !paths.includes(target.pathname)) {
    causes.push(['404', `${target.pathname} is not one of this server's endpoints (${paths.join(', ')})`]);
  }
  const ticks = target.searchParams.getAll('tick');
  if (ticks.length > 0) {
    const tickProblem = badTick(ticks, target.pathname);
    if (tickProblem) {
      causes.push(['400', tickProblem]);
    }
  }
  if (target.protocol === 'wss:') {
    causes.push(['TLS', `wss:// to a certificate the browser may not trust: open https://${target.host}/ once and `
      + 'accept it, or trust the certificate file wsdeck\'s log names at startup (localhost.crt in '
      + 'wsdeck.tls.directory, by default ~/.wsdeck/tls)']);
  }
  if (protocols.length > 0) {
    causes.push(['subprotocol', `if the server picked none of those offered (${protocols.join(', ')}), the browser `
      + 'fails the connection itself, with no status to show (see the hint under Subprotocols)']);
  }
  return causes;
}

function badTick(values, path) {
  if (path !== ENDPOINTS.mixed && path !== ENDPOINTS.text) {
    return `?tick= on ${path}: only ${ENDPOINTS.mixed} and ${ENDPOINTS.text} send ticks`;
  }
  if (values.length > 1) {
    return '?tick= given more than once';
  }
  const value = values[0];
  const ms = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(ms >= TICK_RANGE.min && ms <= TICK_RANGE.max)) {
    return `?tick=${value}: wsdeck takes whole milliseconds from ${TICK_RANGE_TEXT}`;
  }
  return null;
}

/** Every common cause, whatever the URL; wsdeck's log can confirm the first five, not the last two. */
const COMMON_CAUSES = [
  ['404', `a path wsdeck does not serve: its endpoints are ${Object.values(ENDPOINTS).join(', ')}`],
  ['400', `a bad ?tick= (whole ms from ${TICK_RANGE_TEXT}, once, `
    + `on ${ENDPOINTS.mixed} and ${ENDPOINTS.text} only)`],
  ['401', 'a token is required: add ?access_token=TOKEN to the address'],
  ['403', 'this page\'s origin is not in wsdeck.endpoints.allowed-origins'],
  ['429 / 503', 'too many sessions: from this address (429) or in all (503); retry after a few seconds'],
  ['no answer', 'nothing listens at that host and port (is the server running, is the port right?)'],
  ['TLS', 'for wss://, a certificate the browser does not trust'],
];

const LOGGED = 'wsdeck\'s log has a line for every handshake it refused (400, 401, 403, 404, 429, 503); a port '
  + 'nobody listens on and a certificate the browser rejected never reach it, so nothing is logged for those.';

function causeList(causes, className) {
  return el('ul', { class: className }, ...causes.map(([status, text]) => el('li', {}, el('b', {}, status), ` ${text}`)));
}

/** What follows "it never opened" in the close entry: the close entry of a socket that never opened. */
export function neverOpenedHint(url, protocols) {
  const likely = likelyCauses(url, protocols);
  return el('div', { class: 'event-hint', 'data-likely': likely.map(([status]) => status).join(',') },
    // What the address suggests first: on a phone the log shows only the entry's first lines.
    ...(likely.length > 0 ? [el('p', {}, 'This address suggests:'), causeList(likely, 'likely')] : []),
    el('p', {}, 'Its devtools Console says why (e.g. ', el('code', {}, 'Unexpected response code: 404'), ' or ',
      el('code', {}, 'net::ERR_CERT_AUTHORITY_INVALID'), '), and the Network tab shows the handshake\'s response.'),
    // Folded when the address already points somewhere: on a phone the whole list made the entry taller than the
    // log, and what the address suggests scrolled out of sight.
    el('details', { open: likely.length > 0 ? null : '' },
      el('summary', {}, 'The common causes, and which reach wsdeck\'s log'),
      causeList(COMMON_CAUSES, 'causes'),
      el('p', {}, LOGGED)));
}
