// The URL given to new WebSocket(url): ws: beside an http: page, wss: beside an https: page (a secure page may
// not open an insecure socket), on the host and port that served the page.

import { LIMITS } from './endpoints.js';
import { count } from './view.js';

/** The ?tick= intervals this server takes (wsdeck.push.min-tick, max-tick; README "Server push"). */
export const TICK_RANGE = Object.freeze({ min: LIMITS.minTickMs, max: LIMITS.maxTickMs });

/** The range as the page words it: "50 to 3,600,000" (milliseconds). */
export const TICK_RANGE_TEXT = `${count(TICK_RANGE.min)} to ${count(TICK_RANGE.max)}`;

export function socketScheme(pageProtocol = location.protocol) {
  return pageProtocol === 'https:' ? 'wss:' : 'ws:';
}

export function defaultAddress(path) {
  return `${socketScheme()}//${location.host}${path}`;
}

/** The address with another path, keeping its query (?tick=); an address that is not a URL is left alone. */
export function withPath(address, path) {
  return edit(address, (url) => { url.pathname = path; });
}

/** The address asking for ticks every ms milliseconds, or for none when ms is null. */
export function withTick(address, ms) {
  return edit(address, (url) => {
    if (ms === null) {
      url.searchParams.delete('tick');
    } else {
      url.searchParams.set('tick', String(ms));
    }
  });
}

function edit(address, change) {
  let url;
  try {
    url = new URL(address);
  } catch {
    return address; // the constructor will report it as a SyntaxError, which is worth seeing too
  }
  change(url);
  return url.href;
}
