// SHA-256 through SubtleCrypto, which browsers only offer in a secure context: https:, or http: on localhost and
// 127.0.0.1. On a plain http: LAN address crypto.subtle is undefined; the page then says so and compares the
// bytes themselves instead of throwing.

export const hashing = Boolean(globalThis.isSecureContext && globalThis.crypto && crypto.subtle);

/** Hex SHA-256 of an ArrayBuffer, or null when SubtleCrypto is unavailable. */
export async function sha256(buffer) {
  if (!hashing) {
    return null;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) {
    return false;
  }
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  for (let i = 0; i < x.length; i += 1) {
    if (x[i] !== y[i]) {
      return false;
    }
  }
  return true;
}

/** A sentence for the page header about what this page can check. */
export function describeContext() {
  if (hashing) {
    return { secure: true, text: 'Secure context: echoes are checked with SHA-256 (SubtleCrypto).' };
  }
  return {
    secure: false,
    text: `Not a secure context (${location.protocol}//${location.host}): crypto.subtle is unavailable here, so echoes `
      + 'are compared byte for byte instead of by SHA-256. Open the page over https:, or as localhost, to hash.',
  };
}
