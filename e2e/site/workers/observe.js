// The WebAssembly API as a (hooked) worker sees it: the page sends the probe's
// source (src/test-support/observe-probe.ts) and a module's bytes; the worker
// runs the probe on its own WebAssembly and sends back what it observed.
self.onmessage = async (e) => {
  try {
    const probe = new Function(`return (${e.data.probe})`)();
    self.postMessage(await probe(WebAssembly, { bytes: e.data.bytes }));
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
