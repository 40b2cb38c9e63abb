// Runs in the page before its own scripts (see test-bridge.ts): the same `window.api` surface the
// preload script exposes in the app, forwarded to the test process over a same-origin WebSocket.
// Float32Arrays and Uint8Arrays cross as base64 of their bytes. The methods and events come from
// the contract's tables (src/shared/api.ts): test-bridge.ts puts them in place of CONTRACT.
((contract) => {
  const listeners = new Map(contract.events.map((event) => [event, new Set()]));
  const pending = new Map();
  let nextId = 1;

  const toBase64 = (array) => {
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };
  const fromBase64 = (text) => {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  };
  const encode = (value) => {
    if (value instanceof Float32Array) return { __float32: toBase64(value) };
    if (value instanceof Uint8Array) return { __uint8: toBase64(value) };
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, encode(entry)]));
    }
    return value;
  };
  const decode = (value) => {
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') {
      if ('__float32' in value) return new Float32Array(fromBase64(value.__float32).buffer);
      if ('__uint8' in value) return fromBase64(value.__uint8);
      return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, decode(entry)]));
    }
    return value;
  };

  const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/__test-bridge`);
  const opened = new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', () => reject(new Error('The test bridge is not reachable')));
  });
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    if (message.event) listeners.get(message.event)?.forEach((listener) => listener(decode(message.payload)));
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.result.ok) waiting.resolve(decode(message.result.value));
    else waiting.reject(new Error(message.result.error));
  });

  const invoke = async (method, args) => {
    await opened;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, args: args.map(encode) }));
    });
  };

  window.api = Object.fromEntries(contract.invoke.map((method) => [method, (...args) => invoke(method, args)]));
  for (const [event, set] of listeners)
    window.api[event] = (listener) => {
      set.add(listener);
      return () => set.delete(listener);
    };
  // A browser page cannot learn where a dropped file lives (the app's preload can).
  window.api.pathForFile = () => '';
  // eslint-disable-next-line no-undef -- a placeholder: test-bridge.ts writes the contract here
})(CONTRACT);
