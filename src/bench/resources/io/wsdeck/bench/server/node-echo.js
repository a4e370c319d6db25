// The Node ws peer: a plain echo with the npm `ws` package and its defaults (permessage-deflate off on servers,
// maxPayload 100 MiB). usage: node node-echo.js PORT   -> ws://127.0.0.1:PORT/echo
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/echo' });
server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {}); // a client that vanishes is not the server's problem
});
server.on('listening', () => {
  console.log(`ws ${require('ws/package.json').version} echo on ws://127.0.0.1:${port}/echo, pid ${process.pid}`);
});
