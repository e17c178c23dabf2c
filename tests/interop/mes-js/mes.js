// MES: bought, legacy manufacturing software (Node.js; OpenTelemetry http + amqplib).
// It sets no order.status: its states are recognised by the lifecycle's mapping rules
// (operation CalculatePrice*/ShipOrder*, or the operator pages' HTTP target). It names
// the order `order_id`, not `order.id`.
'use strict';
const http = require('http');
const amqp = require('amqplib');
const { trace, SpanStatusCode } = require('@opentelemetry/api');

const tracer = trace.getTracer('mes');
const outcomes = new Map(); // order id -> what MES did with it (for the driver's polling)
let channel;

function note(orderId, what) {
  outcomes.set(orderId, [...(outcomes.get(orderId) || []), what]);
}

// Prices an order inside a CalculatePrice span; a broken 3D model throws.
function calculatePrice(message) {
  return tracer.startActiveSpan('CalculatePrice', { attributes: { order_id: message.order_id } }, (span) => {
    try {
      if (message.model === 'broken') {
        throw new Error(`mesh of order ${message.order_id} is not closed`);
      }
      const price = 100 + message.order_id.length;
      channel.sendToQueue('orders.priced', Buffer.from(JSON.stringify({ order_id: message.order_id, price })));
      return price;
    } catch (error) {
      // Without the stack: it holds the recorder's paths, which must not reach the corpus.
      span.recordException({ name: error.name, message: error.message });
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

function onSubmitted(msg) {
  const message = JSON.parse(msg.content.toString());
  try {
    calculatePrice(message);
  } catch (error) {
    note(message.order_id, 'price-failed');
    channel.nack(msg, false, false);
    return;
  }
  if (message.crash_before_ack && !msg.fields.redelivered) {
    // The worker dies after publishing the price and before the ack: RabbitMQ redelivers.
    note(message.order_id, 'redelivering');
    channel.nack(msg, false, true);
    return;
  }
  note(message.order_id, 'priced');
  channel.ack(msg);
}

function onApproved(msg) {
  const message = JSON.parse(msg.content.toString());
  tracer.startActiveSpan('EnqueueForOperators', { attributes: { order_id: message.order_id } }, (span) => {
    span.end();
  });
  note(message.order_id, 'queued-for-operators');
  channel.ack(msg);
}

function shipOrder(orderId) {
  tracer.startActiveSpan('ShipOrder', { attributes: { order_id: orderId } }, (span) => {
    channel.sendToQueue('orders.shipped', Buffer.from(JSON.stringify({ order_id: orderId })));
    span.end();
  });
}

function readBody(request) {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body ? JSON.parse(body) : {}));
  });
}

function reply(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function handle(request, response) {
  const url = new URL(request.url, 'http://mes');
  const body = await readBody(request);
  const span = trace.getActiveSpan();
  let match;
  if (request.method === 'GET' && (match = url.pathname.match(/^\/internal\/orders\/([^/]+)$/))) {
    return reply(response, 200, { order_id: match[1], outcomes: outcomes.get(match[1]) || [] });
  }
  if (request.method === 'POST' && url.pathname === '/price') {
    span?.setAttribute('order_id', body.order_id);
    try {
      return reply(response, 200, { order_id: body.order_id, price: calculatePrice(body) });
    } catch (error) {
      return reply(response, 500, { error: 'price calculation failed' });
    }
  }
  if (request.method === 'POST' && url.pathname === '/operator/batch/ship') {
    // One operator action over several orders: the server span carries no order id,
    // each ShipOrder child carries its own.
    body.order_ids.forEach(shipOrder);
    return reply(response, 200, { shipped: body.order_ids });
  }
  match = url.pathname.match(/^\/operator\/orders\/([^/]+)\/(start|complete|pack|ship)$/);
  if (request.method === 'POST' && match) {
    span?.setAttribute('order_id', match[1]);
    if (match[2] === 'ship') {
      channel.sendToQueue('orders.shipped', Buffer.from(JSON.stringify({ order_id: match[1] })));
    }
    return reply(response, 200, { order_id: match[1], done: match[2] });
  }
  return reply(response, 404, { error: 'not found' });
}

async function main() {
  const connection = await amqp.connect(`amqp://guest:guest@127.0.0.1:${process.env.INTEROP_AMQP_PORT}`);
  channel = await connection.createChannel();
  for (const queue of ['orders.submitted', 'orders.priced', 'orders.approved', 'orders.shipped']) {
    await channel.assertQueue(queue, { durable: false });
  }
  await channel.consume('orders.submitted', onSubmitted);
  await channel.consume('orders.approved', onApproved);
  http.createServer((request, response) => {
    handle(request, response).catch((error) => reply(response, 500, { error: error.message }));
  }).listen(Number(process.env.INTEROP_MES_PORT), '127.0.0.1');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
