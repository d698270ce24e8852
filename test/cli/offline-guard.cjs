// Preloaded into the CLI process by the offline test: any attempt to resolve a name or open a
// connection fails loudly, so a passing run proves that `inject` never touches the network.
const net = require('node:net');
const dns = require('node:dns');
function refuse(what) {
  return function () {
    process.stderr.write(`OFFLINE GUARD: ${what} attempted\n`);
    process.exit(97);
  };
}
net.Socket.prototype.connect = refuse('socket connect');
net.connect = net.createConnection = refuse('net.connect');
dns.lookup = refuse('dns.lookup');
dns.promises.lookup = refuse('dns.promises.lookup');
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (String(request).includes('@kubernetes/client-node')) refuse('loading @kubernetes/client-node')();
  return load.call(this, request, ...rest);
};
