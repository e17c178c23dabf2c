"""shop-api: the online shop's backend (Flask, requests, pika; Python OpenTelemetry SDK).

Sets `order.id` and `order.status` on its HTTP server spans; the pika PRODUCER span of a
publish is a child of that server span and carries no order id itself, as in the field.
"""

import os

import requests
from flask import Flask, jsonify, request
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor

import telemetry

tracer = telemetry.setup("shop-api")
app = Flask(__name__)
FlaskInstrumentor().instrument_app(app)
MES_URL = os.environ["INTEROP_MES_URL"]


def mark(order_id, status):
    span = trace.get_current_span()
    span.set_attribute("order.id", order_id)
    span.set_attribute("order.status", status)


@app.post("/api/orders")
def create_order():
    order_id = request.get_json()["order_id"]
    mark(order_id, "INITIATED")
    return jsonify(order_id=order_id, status="INITIATED"), 201


@app.post("/api/orders/<order_id>/model")
def upload_model(order_id):
    span = trace.get_current_span()
    span.set_attribute("order.id", order_id)
    # The state comes from an event only: the model is stored, then the status changes.
    with tracer.start_as_current_span("store model file") as store:
        store.set_attribute("file.size", len(request.get_data()))
    span.add_event("order.status_changed", {"order.status": "FILE_UPLOADED"})
    return jsonify(order_id=order_id, status="FILE_UPLOADED")


@app.post("/api/orders/<order_id>/submit")
def submit_order(order_id):
    body = request.get_json()
    mark(order_id, "SUBMITTED")
    message = {"order_id": order_id, "model": body.get("model", "ok")}
    if body.get("crash_before_ack"):
        message["crash_before_ack"] = True
    route = body.get("route", "queue")
    if route == "sync":
        # Synchronous pricing: Shop API calls MES and waits for the price.
        answer = requests.post(f"{MES_URL}/price", json=message, timeout=10)
        if answer.status_code >= 500:
            return jsonify(order_id=order_id, error="pricing failed"), 502
        return jsonify(order_id=order_id, status="SUBMITTED", price=answer.json()["price"])
    # Express orders go to a queue of their own, which nothing consumes (the bug behind
    # the lost-in-queue scenario); the others to orders.submitted, which MES consumes.
    queue = "orders.submitted.express" if route == "express" else "orders.submitted"
    telemetry.publish(queue, message)
    return jsonify(order_id=order_id, status="SUBMITTED"), 202


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["INTEROP_SHOP_PORT"]), threaded=True)
