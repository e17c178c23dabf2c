"""OpenTelemetry set-up shared by the Python services of the interop system.

Real SDK, real exporter: OTLP protobuf over HTTP (the SDK default), to the endpoint in
OTEL_EXPORTER_OTLP_ENDPOINT (scripts/interop.sh points it at the Jaeger it started).
SIGTERM flushes the batch processor before the process exits, so no span is lost.
"""

import os
import signal
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.pika import PikaInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor


def setup(service_name):
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    RequestsInstrumentor().instrument()
    PikaInstrumentor().instrument()

    def flush_and_exit(_signum, _frame):
        provider.shutdown()
        sys.stdout.flush()
        os._exit(0)

    signal.signal(signal.SIGTERM, flush_and_exit)
    return trace.get_tracer(service_name)


def amqp_parameters():
    import pika

    return pika.ConnectionParameters(
        host="127.0.0.1", port=int(os.environ["INTEROP_AMQP_PORT"]), heartbeat=0
    )


def publish(queue, body):
    """Publishes through a fresh connection: pika's BlockingConnection is not thread-safe
    and Flask serves requests on several threads."""
    import json

    import pika

    connection = pika.BlockingConnection(amqp_parameters())
    try:
        channel = connection.channel()
        channel.queue_declare(queue=queue, durable=False)
        channel.basic_publish(exchange="", routing_key=queue, body=json.dumps(body).encode())
    finally:
        connection.close()
