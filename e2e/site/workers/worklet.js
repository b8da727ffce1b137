// An audio worklet processor: what the extension cannot reach (an
// AudioWorkletGlobalScope has no channel or timers for its agent). It says on
// its port what it sees, unchanged with or without the extension.
registerProcessor(
  'probe',
  class extends AudioWorkletProcessor {
    constructor() {
      super();
      this.port.postMessage({ wasm: typeof WebAssembly, channel: typeof BroadcastChannel, timers: typeof setTimeout });
    }
    process() {
      return false;
    }
  },
);
