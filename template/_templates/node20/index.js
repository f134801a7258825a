// Serves function/handler.js, module.exports = async (event, context), on
// 127.0.0.1:3000 (http_port), where the watchdog in front of it (http
// mode) sends every request. The contract is that of OpenFaaS's node
// templates, where Express and body-parser read the request; this server
// is Node.js's own, so the template installs nothing but the handler's
// dependencies.
"use strict"

const http = require("http")
const handler = require("./function/handler")

const defaultMaxSize = 100 * 1024 // body-parser's default limit

function sizeLimit(value) {
  if (!value) return defaultMaxSize
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(String(value).trim())
  if (!m) return defaultMaxSize
  const unit = { b: 1, kb: 1024, mb: 1024 * 1024, gb: 1024 * 1024 * 1024 }[(m[2] || "b").toLowerCase()]
  return Math.floor(parseFloat(m[1]) * unit)
}

const rawBody = process.env.RAW_BODY === "true"
const rawLimit = sizeLimit(process.env.MAX_RAW_SIZE)
const jsonLimit = sizeLimit(process.env.MAX_JSON_SIZE)

class HttpError extends Error {
  constructor(status, message) {
    super(message)
    this.status = status
  }
}

// query parses a query string as Express does for flat keys: a repeated
// key gives an array.
function query(search) {
  const out = {}
  for (const [k, v] of new URLSearchParams(search)) {
    if (!(k in out)) out[k] = v
    else if (Array.isArray(out[k])) out[k].push(v)
    else out[k] = [out[k], v]
  }
  return out
}

// readBody reads the whole body, or refuses one over limit with 413 once
// the client has sent it, so that the client reads the answer.
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on("data", (c) => {
      size += c.length
      if (size <= limit) chunks.push(c)
    })
    req.on("end", () => {
      if (size > limit) reject(new HttpError(413, "request entity too large"))
      else resolve(Buffer.concat(chunks))
    })
    req.on("error", reject)
  })
}

function hasBody(req) {
  return req.headers["transfer-encoding"] !== undefined ||
    (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0")
}

// parseBody gives the body as body-parser would: text for text/*, an
// object for JSON and forms, a Buffer with RAW_BODY=true, and {} when no
// parser applies.
async function parseBody(req) {
  // OpenFaaS's template treats a request without a type as text.
  const type = (req.headers["content-type"] || "text/plain").split(";")[0].trim().toLowerCase()
  if (!hasBody(req)) return {}
  if (rawBody) return readBody(req, rawLimit)
  if (type.startsWith("text/")) return (await readBody(req, defaultMaxSize)).toString("utf8")
  if (type === "application/json" || type.endsWith("+json")) {
    const text = (await readBody(req, jsonLimit)).toString("utf8")
    if (text.trim() === "") return {}
    const first = text.trimStart()[0]
    if (first !== "{" && first !== "[") throw new HttpError(400, "invalid JSON: only objects and arrays are accepted")
    try {
      return JSON.parse(text)
    } catch (e) {
      throw new HttpError(400, "invalid JSON: " + e.message)
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return query((await readBody(req, defaultMaxSize)).toString("utf8"))
  }
  req.resume()
  return {}
}

class FunctionEvent {
  constructor(req, body, url) {
    this.body = body
    this.headers = req.headers
    this.method = req.method
    this.query = query(url.search)
    this.path = url.pathname
  }
}

class FunctionContext {
  constructor(cb) {
    this.statusCode = 200
    this.cb = cb
    this.headerValues = {}
    this.cbCalled = 0
  }

  status(statusCode) {
    if (!statusCode) return this.statusCode
    this.statusCode = statusCode
    return this
  }

  headers(value) {
    if (!value) return this.headerValues
    this.headerValues = value
    return this
  }

  succeed(value) {
    this.cbCalled++
    this.cb(undefined, value)
  }

  fail(value) {
    if (this.status() == "200") this.status(500)
    this.cbCalled++
    this.cb(value)
  }
}

// withCharset adds charset=utf-8 to text and JSON types, as Express does.
function withCharset(type) {
  if (/;\s*charset=/i.test(type)) return type
  const base = type.split(";")[0].trim().toLowerCase()
  if (base.startsWith("text/") || base === "application/json" || base === "application/javascript") {
    return type + "; charset=utf-8"
  }
  return type
}

// send writes a result as Express's res.send does: objects and arrays as
// their JSON text, strings as HTML unless a type is set, Buffers as
// octet-stream, booleans as JSON, nothing for undefined and null.
function send(res, status, headers, value) {
  let type = null
  for (const [k, v] of Object.entries(headers || {})) {
    if (k.toLowerCase() === "content-type") type = withCharset(String(v))
    else res.setHeader(k, v)
  }
  let body
  if (value === undefined || value === null) {
    body = Buffer.alloc(0)
  } else if (Buffer.isBuffer(value)) {
    body = value
    type = type || "application/octet-stream"
  } else if (typeof value === "boolean") {
    body = Buffer.from(JSON.stringify(value))
    type = type || "application/json; charset=utf-8"
  } else {
    body = Buffer.from(typeof value === "object" ? JSON.stringify(value) : String(value), "utf8")
    type = type || "text/html; charset=utf-8"
  }
  if (type && body.length > 0) res.setHeader("Content-Type", type)
  res.setHeader("Content-Length", body.length)
  res.statusCode = Number(status) || 200
  res.end(body)
}

async function serve(req, res) {
  const url = new URL(req.url, "http://localhost")
  let body
  try {
    body = await parseBody(req)
  } catch (e) {
    send(res, e.status || 400, {}, e.message)
    return
  }
  let answered = false
  const fnContext = new FunctionContext((err, result) => {
    if (answered) return
    answered = true
    if (err) {
      console.error(err)
      // A handler that throws answers 500 here; OpenFaaS's template
      // keeps whatever status was set (200 by default).
      const status = fnContext.status() == "200" ? 500 : fnContext.status()
      send(res, status, {}, err && err.toString ? err.toString() : String(err))
      return
    }
    send(res, fnContext.status(), fnContext.headers(), result)
  })
  const fnEvent = new FunctionEvent(req, body, url)
  Promise.resolve()
    .then(() => handler(fnEvent, fnContext, fnContext.cb))
    .then((result) => {
      if (!fnContext.cbCalled) fnContext.succeed(result)
    })
    .catch((e) => fnContext.cb(e || new Error("handler failed")))
}

const port = process.env.http_port || 3000
http.createServer(serve).listen(port, "127.0.0.1", () => {
  console.log(`node${process.versions.node.split(".")[0]} listening on port: ${port}`)
})
