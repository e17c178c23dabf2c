"""crm-api: the CRM backend (Flask, pika; Python OpenTelemetry SDK).

Consumes orders.priced (the pika CONSUMER span continues the producer's trace) and
orders.shipped; operators approve and close orders over HTTP. CLOSED is set by a span
event only, never by an attribute.
"""

import json
import os
import threading

from flask import Flask, jsonify
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor

import telemetry

tracer = telemetry.setup("crm-api")
app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)
received = {}  # order id -> queues its messages came from (for the driver's polling)
received_lock = threading.Lock()


def consume():
    import pika

    connection = pika.BlockingConnection(telemetry.amqp_parameters())
    channel = connection.channel()

    def on_message(ch, method, _properties, body):
        message = json.loads(body)
        order_id = message["order_id"]
        trace.get_current_span().set_attribute("order.id", order_id)
        with received_lock:
            received.setdefault(order_id, []).append(method.routing_key)
        ch.basic_ack(delivery_tag=method.delivery_tag)

    for queue in ("orders.priced", "orders.shipped"):
        channel.queue_declare(queue=queue, durable=False)
        channel.basic_consume(queue=queue, on_message_callback=on_message)
    channel.start_consuming()


@app.get("/internal/orders/<order_id>")
def order_messages(order_id):
    with received_lock:
        return jsonify(order_id=order_id, received=received.get(order_id, []))


@app.post("/api/orders/<order_id>/approve")
def approve(order_id):
    span = trace.get_current_span()
    span.set_attribute("order.id", order_id)
    span.set_attribute("order.status", "MANUFACTURING_APPROVED")
    telemetry.publish("orders.approved", {"order_id": order_id})
    return jsonify(order_id=order_id, status="MANUFACTURING_APPROVED")


@app.post("/api/orders/<order_id>/close")
def close(order_id):
    span = trace.get_current_span()
    span.set_attribute("order.id", order_id)
    span.add_event("order.status_changed", {"order.status": "CLOSED"})
    return jsonify(order_id=order_id, status="CLOSED")


if __name__ == "__main__":
    threading.Thread(target=consume, daemon=True).start()
    app.run(host="127.0.0.1", port=int(os.environ["INTEROP_CRM_PORT"]), threaded=True)
