// The webhook receiver of the black-box tests: a plain Node HTTP server that checks every
// delivery with the Standard Webhooks reference library (npm's `standardwebhooks`), as a
// receiver in production would, and remembers what arrived.
//
//   node receiver.mjs SECRET [PORT]   prints {"port": N} once listening
//
// POST /hook           a delivery: 400 when its signature does not verify, else the status set
//                      by /_status (204 by default); recorded either way.
// POST /_status?code=N the answer given to deliveries from now on (500: "failing").
// GET  /_received      every delivery so far: {id, timestamp, verified, answered, body}.
import http from "node:http";
import { Webhook } from "standardwebhooks";

const [secret, port = "0"] = process.argv.slice(2);
const hook = new Webhook(secret);
const received = [];
let answer = 204;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://receiver");
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.method === "POST" && url.pathname === "/hook") {
      let verified = false;
      try {
        hook.verify(body, req.headers);
        verified = true;
      } catch (e) {
        verified = false;
      }
      const answered = verified ? answer : 400;
      received.push({
        id: req.headers["webhook-id"] ?? null,
        timestamp: req.headers["webhook-timestamp"] ?? null,
        verified,
        answered,
        body,
      });
      res.writeHead(answered).end();
    } else if (req.method === "POST" && url.pathname === "/_status") {
      answer = Number(url.searchParams.get("code"));
      res.writeHead(204).end();
    } else if (req.method === "GET" && url.pathname === "/_received") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received));
    } else {
      res.writeHead(404).end();
    }
  });
});

server.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
});
