/**
 * Benchmark only (see README.md): a `--require` preload that sends every HTTPS request for a
 * `*.twilio.com` host to USUAL_TWILIO_URL (the loopback fake of Twilio) over plain HTTP, with
 * the same path, method, headers and body, through Node's kept-alive global HTTP agent. The
 * usual functions and the libraries they use stay exactly as published.
 */
'use strict';
const http = require('node:http');
const https = require('node:https');

const target = new URL(process.env.USUAL_TWILIO_URL);
const originalRequest = https.request;

function isTwilio(options) {
  const host = options.hostname || options.host || '';
  return /(^|\.)twilio\.com(:\d+)?$/.test(String(host));
}

function redirect(input, options, callback) {
  // https.request(url[, options][, callback]) or https.request(options[, callback])
  if (typeof options === 'function') [options, callback] = [undefined, options];
  const merged =
    typeof input === 'string' || input instanceof URL
      ? { ...urlOptions(new URL(String(input))), ...(options || {}) }
      : { ...input, ...(options || {}) };
  if (!isTwilio(merged)) return originalRequest.call(https, input, options, callback);
  const rewritten = { ...merged, protocol: 'http:', hostname: target.hostname, host: target.hostname, port: target.port, agent: http.globalAgent };
  return http.request(rewritten, callback);
}

function urlOptions(url) {
  return { protocol: url.protocol, hostname: url.hostname, port: url.port, path: `${url.pathname}${url.search}` };
}

https.request = redirect;
https.get = (input, options, callback) => {
  const req = redirect(input, options, callback);
  req.end();
  return req;
};
