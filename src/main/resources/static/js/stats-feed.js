// fetch() on a timer, done so that it cannot pile up: GET /api/stats once a second, one request at a time.
//
// The next request starts a second after the previous one started, or as soon as it ends if it took longer, so a
// slow server is never sent a queue of requests. AbortSignal.timeout() ends a request that hangs, so one lost
// response cannot stop the polling. While the tab is hidden (document.visibilityState) nobody is looking, so the
// feed stops asking and starts again at once when the tab is shown.

export const INTERVAL_MS = 1000;
const TIMEOUT_MS = 3000;

export class StatsFeed {
  /**
   * @param onSnapshot(snapshot) for every snapshot received
   * @param onFailure(reason) for every poll that got none; polling goes on
   */
  constructor(url, { onSnapshot, onFailure }) {
    this.url = url;
    this.onSnapshot = onSnapshot;
    this.onFailure = onFailure;
    this.timer = null;
    this.inFlight = false;
  }

  start() {
    document.addEventListener('visibilitychange', () => this.visibilityChanged());
    this.poll();
  }

  async poll() {
    this.timer = null;
    this.inFlight = true;
    const started = performance.now();
    try {
      this.onSnapshot(await this.fetchSnapshot());
    } catch (error) {
      this.onFailure(reason(error));
    } finally {
      this.inFlight = false;
      if (document.visibilityState !== 'hidden') {
        this.timer = setTimeout(() => this.poll(), Math.max(0, INTERVAL_MS - (performance.now() - started)));
      }
    }
  }

  async fetchSnapshot() {
    const response = await fetch(this.url, {
      cache: 'no-store', headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const snapshot = await response.json();
    if (typeof snapshot?.time !== 'number' || typeof snapshot.openSessions !== 'number') {
      throw new Error('not a stats snapshot');
    }
    return snapshot;
  }

  visibilityChanged() {
    if (document.visibilityState === 'hidden') {
      clearTimeout(this.timer);
      this.timer = null;
    } else if (this.timer === null && !this.inFlight) {
      this.poll();
    }
  }
}

function reason(error) {
  if (error.name === 'TimeoutError') {
    return `no answer within ${TIMEOUT_MS / 1000} s`;
  }
  if (error instanceof TypeError) {
    return 'the server cannot be reached'; // fetch() rejects with a bare TypeError for every network failure
  }
  return error.message;
}
