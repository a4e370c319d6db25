// webSocket.binaryType: "blob" (the default) or "arraybuffer", read by the socket as each binary message arrives,
// so a change takes effect from the next message on, even mid-connection.

export class BinaryTypeSwitch {
  constructor(radios, readout) {
    this.radios = [...radios];
    this.readout = readout;
    this.ws = null;
    this.radios.forEach((radio) => radio.addEventListener('change', () => this.apply()));
  }

  get chosen() {
    return this.radios.find((radio) => radio.checked).value;
  }

  attach(ws) {
    this.ws = ws;
    this.apply();
  }

  apply() {
    if (this.ws) {
      this.ws.binaryType = this.chosen;
      this.readout.textContent = `ws.binaryType === "${this.ws.binaryType}"`;
      this.readout.dataset.binaryType = this.ws.binaryType;
    }
  }
}
