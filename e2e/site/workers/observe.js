// The WebAssembly API as a (hooked) worker sees it: the page sends the probe's
// source (src/test-support/observe-probe.ts) and a module's bytes; the worker
// runs the probe on its own WebAssembly and sends back what it observed. As a
// SharedWorker, it answers on the port that asked.
async function observe(data) {
  try {
    const probe = new Function(`return (${data.probe})`)();
    return await probe(WebAssembly, { bytes: data.bytes });
  } catch (error) {
    return { error: String(error) };
  }
}
self.onmessage = async (e) => self.postMessage(await observe(e.data));
self.onconnect = (event) => {
  const port = event.ports[0];
  port.onmessage = async (e) => port.postMessage(await observe(e.data));
};
