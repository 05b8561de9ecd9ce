/**
 * Stands in for the twilio SDK and nodemailer in the Workers bundle (wrangler.toml [alias]): their
 * clients need Node's sockets and HTTP stack. The Workers channels (adapters/workers) reuse pure
 * functions from modules that also hold the Node adapters' SDK clients, and talk to the providers
 * over fetch and Web Crypto themselves; reaching an SDK there is a wiring mistake, said loudly.
 */
const nodeOnly: Record<string, never> = new Proxy(
  {},
  {
    get(_target, name) {
      throw new Error(`${String(name)}: this SDK is not part of the Workers build (adapters/workers speaks to the provider over fetch).`);
    },
  },
);

export default nodeOnly;
