#!/usr/bin/env python3
"""Generate ordertrace's bundled demo data and the golden-test scenarios.

    python3 scripts/make_demo_data.py            # writes tests/data/showcase/ and tests/data/scenarios/
    python3 scripts/make_demo_data.py --check    # regenerate in memory, fail if a file differs

Deterministic: a fixed seed, a fixed "now" (NOW below) and no wall-clock reads, so the
output is byte-identical on every run. Python 3 standard library only.

What it writes (see tests/data/showcase/README.md and lifecycle.md):

* tests/data/showcase/shop-week-otlp.json    OTLP JSON export, one resourceSpans per service
* tests/data/showcase/shop-week-jaeger.json  Jaeger legacy JSON as GET /api/traces serves it
* tests/data/showcase/manifest.jsonl, now.txt, README.md
* tests/data/scenarios/NN-name.{otlp,jaeger}.json, one order each, plus manifest.jsonl
  and now.txt

Each order is built from realistic span trees (front-end -> shop-api HTTP SERVER, its
PostgreSQL CLIENT spans, shop-api -> mes pricing call, RabbitMQ PRODUCER/CONSUMER spans,
crm-api operator approvals, mes operator pages). Every scenario function says which
verdict lifecycle.md's verdict table gives and why, next to the data that makes it so.
"""

import argparse
import calendar
import datetime
import json
import os
import random
import sys

SEED = 20261120
NOW_TEXT = "2026-11-20T12:00:00Z"

NS = 1
US = 1_000
MS = 1_000_000
SEC = 1_000_000_000
MIN = 60 * SEC
HOUR = 60 * MIN
DAY = 24 * HOUR

# OTLP enums (reference §3.3).
INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER = 1, 2, 3, 4, 5
KIND_TAG = {INTERNAL: "internal", SERVER: "server", CLIENT: "client", PRODUCER: "producer",
            CONSUMER: "consumer"}
UNSET, OK, ERROR = 0, 1, 2

# MES is bought software: its states come from mapping rules (data/lifecycle/default.json):
# its internal handlers by operation name (CalculatePrice*, StartManufacturing*, ...) and
# its operator pages by route (/operator/orders/*/start, ...). Keep these in sync.
MES_OP = {
    "PRICE_CALCULATED": "CalculatePrice",
    "MANUFACTURING_STARTED": "StartManufacturing",
    "MANUFACTURING_COMPLETED": "CompleteManufacturing",
    "PACKAGING": "StartPackaging",
    "SHIPPED": "ShipOrder",
}
MES_ROUTE = {  # the operators' pages in front of those operations
    "MANUFACTURING_STARTED": "/operator/orders/{orderId}/start",
    "MANUFACTURING_COMPLETED": "/operator/orders/{orderId}/complete",
    "PACKAGING": "/operator/orders/{orderId}/pack",
    "SHIPPED": "/operator/orders/{orderId}/ship",
}

# Queues (destination names as in data/lifecycle/default.json's "queues").
Q_PRICING = "orders.submitted"   # shop-api -> mes: price a custom model (heavy)
Q_PRICED = "orders.priced"       # mes -> crm-api: the price, for approval
Q_PRODUCTION = "orders.approved" # crm-api -> mes: an approved order for the workshop
Q_SHIPPED = "orders.shipped"     # mes -> crm-api: handed to the carrier
Q_WORKSHOP = "mes.workshop"      # mes internal: the next workshop task of an order

BROWSER_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/130.0.0.0 Safari/537.36")
OPERATOR_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/129.0.0.0 Safari/537.36")

RESOURCES = {
    "shop-web": [
        ("service.name", "shop-web"), ("service.namespace", "jewellery"),
        ("service.version", "3.14.2"), ("deployment.environment.name", "production"),
        ("telemetry.sdk.language", "webjs"), ("telemetry.sdk.name", "opentelemetry"),
        ("telemetry.sdk.version", "1.27.0"),
    ],
    "shop-api": [
        ("service.name", "shop-api"), ("service.namespace", "jewellery"),
        ("service.version", "3.14.2"),
        ("service.instance.id", "6b1f0c2e-58a4-4c1e-9d3a-2f7e81c4b0a9"),
        ("deployment.environment.name", "production"),
        ("host.name", "shop-api-6f7c9d8b5-x2kqp"), ("k8s.namespace.name", "shop"),
        ("k8s.pod.name", "shop-api-6f7c9d8b5-x2kqp"),
        ("process.runtime.name", "cpython"), ("process.runtime.version", "3.12.7"),
        ("telemetry.sdk.language", "python"), ("telemetry.sdk.name", "opentelemetry"),
        ("telemetry.sdk.version", "1.27.0"),
    ],
    "crm-api": [
        ("service.name", "crm-api"), ("service.namespace", "jewellery"),
        ("service.version", "2.8.0"),
        ("service.instance.id", "d04e7a3b-91c2-4f6d-8e25-7a1b3c9f5e08"),
        ("deployment.environment.name", "production"),
        ("host.name", "crm-api-7b9f6d5c4-m8tzn"), ("k8s.namespace.name", "crm"),
        ("k8s.pod.name", "crm-api-7b9f6d5c4-m8tzn"),
        ("process.runtime.name", "OpenJDK Runtime Environment"),
        ("process.runtime.version", "21.0.5+11-LTS"),
        ("telemetry.distro.name", "opentelemetry-java-instrumentation"),
        ("telemetry.distro.version", "2.9.0"),
        ("telemetry.sdk.language", "java"), ("telemetry.sdk.name", "opentelemetry"),
        ("telemetry.sdk.version", "1.43.0"),
    ],
    "mes": [
        ("service.name", "mes"), ("service.namespace", "jewellery"),
        ("service.version", "5.2.0"),
        ("service.instance.id", "MES-APP01-w3wp-4412"),
        ("deployment.environment.name", "production"),
        ("host.name", "MES-APP01"), ("os.type", "windows"),
        ("process.runtime.name", ".NET"), ("process.runtime.version", "8.0.10"),
        ("telemetry.sdk.language", "dotnet"), ("telemetry.sdk.name", "opentelemetry"),
        ("telemetry.sdk.version", "1.9.0"),
    ],
}
SERVICE_ORDER = ["shop-web", "shop-api", "crm-api", "mes"]
SCHEMA_URL = "https://opentelemetry.io/schemas/1.27.0"

SCOPES = {
    ("shop-web", "http"): ("@opentelemetry/instrumentation-fetch", "0.54.0"),
    ("shop-api", "http"): ("opentelemetry.instrumentation.fastapi", "0.48b0"),
    ("shop-api", "db"): ("opentelemetry.instrumentation.psycopg", "0.48b0"),
    ("shop-api", "client"): ("opentelemetry.instrumentation.httpx", "0.48b0"),
    ("shop-api", "mq"): ("opentelemetry.instrumentation.aio_pika", "0.48b0"),
    ("shop-api", "app"): ("shop.orders", "3.14.2"),
    ("crm-api", "http"): ("io.opentelemetry.spring-webmvc-6.0", "2.9.0-alpha"),
    ("crm-api", "db"): ("io.opentelemetry.jdbc", "2.9.0-alpha"),
    ("crm-api", "client"): ("io.opentelemetry.java-http-client", "2.9.0-alpha"),
    ("crm-api", "mq"): ("io.opentelemetry.spring-rabbit-1.0", "2.9.0-alpha"),
    ("crm-api", "mq-inner"): ("io.opentelemetry.rabbitmq-2.7", "2.9.0-alpha"),
    ("crm-api", "app"): ("crm.approvals", "2.8.0"),
    ("mes", "http"): ("OpenTelemetry.Instrumentation.AspNetCore", "1.9.0"),
    ("mes", "db"): ("OpenTelemetry.Instrumentation.SqlClient", "1.9.0-beta.1"),
    ("mes", "client"): ("System.Net.Http", "8.0.0"),
    ("mes", "mq"): ("RabbitMQ.Client", "7.0.0"),
    ("mes", "app"): ("Mes.Production", "5.2.0"),
}


def T(text):
    """'2026-11-15T11:30:00' (UTC) -> ns since the epoch."""
    dt = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S")
    return calendar.timegm(dt.timetuple()) * SEC


NOW = T(NOW_TEXT.rstrip("Z"))


def ago(days=0, hours=0, minutes=0):
    return NOW - days * DAY - hours * HOUR - minutes * MIN


# --------------------------------------------------------------------------------------
# Span model and the builder every scenario uses
# --------------------------------------------------------------------------------------

class Span:
    def __init__(self, ctx, service, name, kind, trace_id, span_id, parent_id, start, scope):
        self.ctx = ctx
        self.service = service
        self.name = name
        self.kind = kind
        self.trace_id = trace_id
        self.span_id = span_id
        self.parent_id = parent_id
        self.start = start
        self.end = None
        self.attrs = []
        self.events = []   # (name, time, [(k, v)])
        self.links = []    # (trace_id, span_id)
        self.status = UNSET
        self.message = ""
        self.scope = scope
        self.dest = ctx.dest

    def set(self, *pairs):
        self.attrs.extend(pairs)
        return self

    def event(self, name, t, *pairs):
        self.events.append((name, t, list(pairs)))
        return self

    def fail(self, message="", exc=None, t=None):
        """Status ERROR, optionally with an exception event (type, message, stack)."""
        self.status = ERROR
        self.message = message
        if exc:
            self.exception(exc, t if t is not None else self.end)
        return self

    def exception(self, exc, t):
        etype, emsg, stack = exc
        self.event("exception", t, ("exception.type", etype), ("exception.message", emsg),
                   ("exception.stacktrace", stack))
        return self

    def close(self, end):
        self.end = end
        return self


class Ctx:
    """Collects the spans of one demo order or one scenario; its own seeded RNG."""

    def __init__(self, name):
        self.name = name
        self.rng = random.Random("%d:%s" % (SEED, name))
        self.spans = []
        self.dest = "otlp"          # demo: which file new traces go to
        self.skews = []             # (service, from_real_ns, offset_ns)
        self.resources = {k: list(v) for k, v in RESOURCES.items()}

    # ids and jitter
    def trace_id(self, legacy64=False):
        if legacy64:  # a 64-bit id from an old propagator: the high half is zero
            return "0" * 16 + "%016x" % (self.rng.getrandbits(64) | (1 << 60))
        return "%032x" % (self.rng.getrandbits(128) | (1 << 124))

    def span_id(self):
        return "%016x" % (self.rng.getrandbits(64) | (1 << 56))

    def uuid(self):
        h = "%032x" % self.rng.getrandbits(128)
        return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])

    def ms(self, lo, hi):
        return int(self.rng.uniform(lo, hi) * MS)

    def secs(self, lo, hi):
        return int(self.rng.uniform(lo, hi) * SEC)

    def span(self, service, name, kind, start, parent=None, trace=None, scope="app",
             attrs=(), links=()):
        if parent is not None:
            trace_id, parent_id = parent.trace_id, parent.span_id
        else:
            trace_id, parent_id = (trace or self.trace_id()), None
        scope_pair = SCOPES[(service, scope)] if isinstance(scope, str) else scope
        sp = Span(self, service, name, kind, trace_id, self.span_id(), parent_id, start,
                  scope_pair)
        sp.attrs.extend(attrs)
        for link in links:
            sp.links.append((link.trace_id, link.span_id))
        self.spans.append(sp)
        return sp

    def offset(self, service, t):
        for svc, frm, off in self.skews:
            if svc == service and t >= frm:
                return off
        return 0


class Order:
    """An order id as each service writes it (key and type may differ per service)."""

    def __init__(self, oid, key="order.id", keys=None, value=None, values=None):
        self.oid = str(oid)
        self.key = key
        self.keys = keys or {}
        self.value = oid if value is None else value
        self.values = values or {}

    def attr(self, service):
        return (self.keys.get(service, self.key), self.values.get(service, self.value))


def state_marks(sp, via, state, t=None):
    """Mark `state` on span `sp`: 'attr' (time = span end), 'event' (time = t) or
    'rule' (nothing: a mapping rule on the operation name does it)."""
    if via == "attr":
        sp.set(("order.status", state))
    elif via == "event":
        sp.event("order.status_changed", t, ("order.status", state))
    elif via != "rule":
        raise ValueError(via)


# --------------------------------------------------------------------------------------
# Semantic-convention helpers
# --------------------------------------------------------------------------------------

def http_server(ctx, service, method, route, path, status, start, parent=None, trace=None,
                host=None, old=False, ua=BROWSER_UA, scope="http"):
    host = host or {"shop-api": "shop.example.com", "crm-api": "crm.workshop.internal",
                    "mes": "mes.internal"}[service]
    name = "%s %s" % (method, route)
    if old:
        attrs = [("http.method", method), ("http.route", route), ("http.target", path),
                 ("http.scheme", "https"), ("net.host.name", host),
                 ("http.status_code", status), ("http.user_agent", ua)]
    else:
        attrs = [("http.request.method", method), ("http.route", route), ("url.path", path),
                 ("url.scheme", "https" if service != "mes" else "http"),
                 ("server.address", host), ("network.protocol.version", "1.1"),
                 ("http.response.status_code", status), ("user_agent.original", ua)]
    sp = ctx.span(service, name, SERVER, start, parent=parent, trace=trace, scope=scope,
                  attrs=attrs)
    if status >= 500:
        sp.status = ERROR
        if not old:
            sp.set(("error.type", str(status)))
    return sp


def http_client(ctx, service, method, url, status, start, parent, old=False, name=None):
    host = url.split("/")[2].split(":")[0]
    port = int(url.split("/")[2].split(":")[1]) if ":" in url.split("/")[2] else 443
    if old:
        attrs = [("http.method", method), ("http.url", url), ("net.peer.name", host),
                 ("net.peer.port", port), ("http.status_code", status)]
    else:
        attrs = [("http.request.method", method), ("url.full", url), ("server.address", host),
                 ("server.port", port), ("network.protocol.version", "1.1"),
                 ("http.response.status_code", status)]
    sp = ctx.span(service, name or method, CLIENT, start, parent=parent, scope="client",
                  attrs=attrs)
    if status >= 400 and not old:
        sp.status = ERROR          # semconv: a client span is ERROR for 4xx and 5xx
        sp.set(("error.type", str(status)))
    return sp


DB = {
    "shop-api": ("postgresql", "shop", "shop-db.internal", 5432),
    "crm-api": ("postgresql", "crm", "crm-db.internal", 5432),
    "mes": ("mssql", "MES", "MES-SQL01", 1433),
}


def db(ctx, service, parent, start, lo_ms, hi_ms, operation, table, query, old=False):
    system, namespace, host, port = DB[service]
    name = "%s %s.%s" % (operation, namespace, table) if system == "postgresql" else \
        "%s %s" % (operation, table)
    if old:
        attrs = [("db.system", system), ("db.name", namespace), ("db.operation", operation),
                 ("db.sql.table", table), ("db.statement", query), ("net.peer.name", host)]
    else:
        attrs = [("db.system", system), ("db.namespace", namespace),
                 ("db.operation.name", operation), ("db.collection.name", table),
                 ("db.query.text", query), ("server.address", host), ("server.port", port)]
    sp = ctx.span(service, name, CLIENT, start, parent=parent, scope="db", attrs=attrs)
    return sp.close(start + ctx.ms(lo_ms, hi_ms))


def publish(ctx, service, parent, start, dest, routing_key, old=False, nested_inner=False,
            attrs=()):
    """A RabbitMQ PRODUCER span (1-6 ms). old=True: the generation of keys with
    `messaging.destination` and no operation key on the producer."""
    msg_id = ctx.uuid()
    if old:
        a = [("messaging.system", "rabbitmq"), ("messaging.destination", dest),
             ("messaging.destination_kind", "queue"),
             ("messaging.rabbitmq.routing_key", routing_key), ("messaging.message_id", msg_id),
             ("net.peer.name", "rabbitmq.internal"), ("net.peer.port", 5672)]
        name = "%s send" % dest
    else:
        op = "send" if service == "mes" else "publish"
        a = [("messaging.system", "rabbitmq"), ("messaging.destination.name", dest),
             ("messaging.operation.type", op), ("messaging.operation.name", op),
             ("messaging.rabbitmq.destination.routing_key", routing_key),
             ("messaging.message.id", msg_id), ("server.address", "rabbitmq.internal"),
             ("server.port", 5672), ("network.protocol.name", "amqp")]
        name = "%s %s" % (op, dest)
    scope = "mq-inner" if nested_inner else "mq"
    sp = ctx.span(service, name, PRODUCER, start, parent=parent, scope=scope, attrs=a)
    sp.set(*attrs)
    sp.msg = (dest, routing_key, msg_id)
    return sp.close(start + ctx.ms(1, 6))


def consume(ctx, service, producer, start, mode, operation="process", old=False, trace=None,
            attrs=()):
    """A CONSUMER span for `producer`'s message: mode 'child' continues the producer's
    trace (context from the message headers), 'link' starts a new trace linked to it."""
    dest, routing_key, msg_id = producer.msg
    if old:
        a = [("messaging.system", "rabbitmq"), ("messaging.destination", dest),
             ("messaging.destination_kind", "queue"), ("messaging.operation", operation),
             ("messaging.rabbitmq.routing_key", routing_key), ("messaging.message_id", msg_id)]
        name = "%s %s" % (dest, operation)
    else:
        a = [("messaging.system", "rabbitmq"), ("messaging.destination.name", dest),
             ("messaging.operation.type", operation), ("messaging.operation.name", operation),
             ("messaging.rabbitmq.destination.routing_key", routing_key),
             ("messaging.message.id", msg_id),
             ("messaging.rabbitmq.message.delivery_tag", ctx.rng.randint(1, 90000))]
        name = "%s %s" % (operation, dest)
    if mode == "child":
        sp = ctx.span(service, name, CONSUMER, start, parent=producer, scope="mq", attrs=a)
    elif mode == "link":
        sp = ctx.span(service, name, CONSUMER, start, trace=trace, scope="mq", attrs=a,
                      links=[producer])
    else:
        raise ValueError(mode)
    sp.set(*attrs)
    return sp


def exc_sql_timeout():
    return ("Microsoft.Data.SqlClient.SqlException",
            "Execution Timeout Expired.  The timeout period elapsed prior to completion of the "
            "operation or the server is not responding.",
            "Microsoft.Data.SqlClient.SqlException (0x80131904): Execution Timeout Expired.\n"
            "   at Microsoft.Data.SqlClient.SqlCommand.ExecuteReader()\n"
            "   at Mes.Pricing.CastingCostCalculator.Calculate(ProductionOrder order) in "
            "D:\\build\\Mes\\Pricing\\CastingCostCalculator.cs:line 214\n"
            "   at Mes.Pricing.PriceService.CalculatePrice(String orderRef) in "
            "D:\\build\\Mes\\Pricing\\PriceService.cs:line 88")


def exc_no_alloy_price(alloy, day):
    return ("System.InvalidOperationException",
            "No metal price for alloy '%s' on %s" % (alloy, day),
            "System.InvalidOperationException: No metal price for alloy '%s' on %s\n"
            "   at Mes.Pricing.MetalPriceRepository.GetPrice(String alloy, DateOnly day) in "
            "D:\\build\\Mes\\Pricing\\MetalPriceRepository.cs:line 57\n"
            "   at Mes.Pricing.PriceService.CalculatePrice(String orderRef) in "
            "D:\\build\\Mes\\Pricing\\PriceService.cs:line 71\n"
            "   at Mes.Web.Controllers.PricingController.Calculate(PriceRequest request)"
            % (alloy, day))


# --------------------------------------------------------------------------------------
# The steps of an order: each builds the span tree of one transition
# --------------------------------------------------------------------------------------

def initiate(ctx, o, t, via="attr", cart=False, web=False, email=False):
    """INITIATED: the customer creates an order (or puts an item into an empty cart)."""
    parent = None
    if web:  # the browser's fetch instrumentation: no order id, not in the lifecycle
        parent = ctx.span("shop-web", "HTTP POST", CLIENT, t - ctx.ms(20, 60), scope="http",
                          attrs=[("http.method", "POST"),
                                 ("http.url", "https://shop.example.com/api/" +
                                  ("cart/items" if cart else "orders")),
                                 ("http.status_code", 201)])
    route = "/api/cart/items" if cart else "/api/orders"
    srv = http_server(ctx, "shop-api", "POST", route, route, 201, t, parent=parent)
    srv.set(o.attr("shop-api"), ("shop.channel", "web"))
    if email:  # the one piece of personal data in the set (fake): for redaction work
        srv.set(("customer.email", "someone@example.invalid"))
    c = t + ctx.ms(2, 6)
    if cart:
        d = db(ctx, "shop-api", srv, c, 1, 5, "INSERT", "carts",
               "INSERT INTO carts (id, order_id, created_at) VALUES ($1, $2, now())")
        c = d.end + ctx.ms(0.2, 1)
    d = db(ctx, "shop-api", srv, c, 2, 9, "INSERT", "orders",
           "INSERT INTO orders (id, status, channel, created_at) VALUES ($1, $2, $3, now())")
    end = d.end + ctx.ms(1, 4)
    state_marks(srv, via, "INITIATED", d.end)
    srv.close(end)
    if parent:
        parent.close(end + ctx.ms(15, 40))
    return srv


def upload_model(ctx, o, t, via="event", fail=None):
    """FILE_UPLOADED: a 3D model uploaded and validated, its preview rendered (seconds)."""
    path = "/api/orders/%s/model" % o.oid
    srv = http_server(ctx, "shop-api", "POST", "/api/orders/{orderId}/model", path,
                      500 if fail else 200, t)
    srv.set(o.attr("shop-api"), ("shop.model.format", "stl"),
            ("shop.model.size_bytes", ctx.rng.randint(800_000, 14_000_000)))
    c = t + ctx.ms(40, 300)      # multipart body received
    put = http_client(ctx, "shop-api", "PUT",
                      "https://storage.internal/models/%s/model.stl" % o.oid, 200, c, srv)
    put.close(c + ctx.ms(80, 400))
    c = put.end + ctx.ms(1, 5)
    val = ctx.span("shop-api", "model.validate", INTERNAL, c, parent=srv,
                   attrs=[("shop.model.triangles", ctx.rng.randint(40_000, 900_000))])
    val.close(c + ctx.ms(300, 2500))
    c = val.end + ctx.ms(1, 5)
    render = ctx.span("shop-api", "editor.render_preview", INTERNAL, c, parent=srv,
                      attrs=[("shop.render.width", 1024), ("shop.render.height", 1024)])
    if fail:
        render.close(c + ctx.secs(20, 30))
        render.fail(fail[1], exc=fail, t=render.end - ctx.ms(1, 3))
        srv.fail(fail[1])
        srv.close(render.end + ctx.ms(2, 8))
        return srv
    render.close(c + ctx.ms(1500, 7000))
    c = render.end + ctx.ms(1, 4)
    d = db(ctx, "shop-api", srv, c, 2, 8, "UPDATE", "orders",
           "UPDATE orders SET model_key = $1, status = $2, updated_at = now() WHERE id = $3")
    state_marks(srv, via, "FILE_UPLOADED", d.end)
    return srv.close(d.end + ctx.ms(1, 5))


def submit(ctx, o, t, via="event", pricing="sync", sync_status=200, sync_retry=False,
           mes_via="rule", old_http=False, crm_mode="child", web=False, mes_exc=None,
           alloy="Au750"):
    """SUBMITTED: the customer presses "Place order". pricing='sync': shop-api calls MES
    at once (catalogue and simple custom items); 'async': a heavy custom model is sent to
    MES through the orders.submitted queue. Returns a dict of the spans made."""
    out = {}
    parent = None
    if web:
        parent = ctx.span("shop-web", "HTTP POST", CLIENT, t - ctx.ms(20, 60), scope="http",
                          attrs=[("http.method", "POST"),
                                 ("http.url", "https://shop.example.com/api/orders/%s/submit"
                                  % o.oid), ("http.status_code", 202)])
    path = "/api/orders/%s/submit" % o.oid
    srv = http_server(ctx, "shop-api", "POST", "/api/orders/{orderId}/submit", path, 202, t,
                      parent=parent, old=old_http)
    srv.set(o.attr("shop-api"), ("shop.pricing.mode", pricing))
    out["server"] = srv
    c = t + ctx.ms(2, 6)
    d = db(ctx, "shop-api", srv, c, 1, 4, "SELECT", "orders",
           "SELECT id, status, model_key FROM orders WHERE id = $1 FOR UPDATE", old=old_http)
    c = d.end + ctx.ms(0.3, 1)
    d = db(ctx, "shop-api", srv, c, 2, 7, "UPDATE", "orders",
           "UPDATE orders SET status = $1, submitted_at = now() WHERE id = $2", old=old_http)
    state_marks(srv, via, "SUBMITTED", d.end)
    c = d.end + ctx.ms(0.5, 2)
    if pricing == "async":
        p = publish(ctx, "shop-api", srv, c, Q_PRICING, "pricing.request")
        out["producer"] = p
        c = p.end + ctx.ms(0.5, 2)
    elif pricing == "sync":
        url = "http://mes.internal:8080/api/pricing/calculate"
        attempts = [503, 200] if sync_retry else [sync_status]
        for n, status in enumerate(attempts):
            cl = http_client(ctx, "shop-api", "POST", url, status, c, srv, old=old_http,
                             name="HTTP POST" if old_http else None)
            if n:
                cl.set(("http.request.resend_count", n))
            ms_ = http_server(ctx, "mes", "POST", "api/pricing/calculate",
                              "/api/pricing/calculate", status, c + ctx.ms(1, 3), parent=cl,
                              old=old_http, ua="python-httpx/0.27.2")
            if old_http:
                ms_.status = UNSET   # that generation did not set a status: only the code says it
            mc = ms_.start + ctx.ms(1, 4)
            if status == 503:    # thread-pool starvation in MES, answered fast
                ms_.close(mc + ctx.ms(3, 10))
                ms_.message = "Service Unavailable"
                cl.close(ms_.end + ctx.ms(1, 3))
                c = cl.end + ctx.ms(900, 1100)   # the client's back-off before the retry
                continue
            if status >= 500 and old_http:
                # the older MES release: the controller looks the metal price up itself and
                # throws before any CalculatePrice span exists; no span status anywhere
                q1 = db(ctx, "mes", ms_, mc, 5, 30, "SELECT", "MetalPrices",
                        "SELECT Price FROM MetalPrices WHERE Alloy = @alloy AND Day = @day",
                        old=True)
                ms_.close(q1.end + ctx.ms(2, 6))
                cl.close(ms_.end + ctx.ms(1, 3))
                out["client"], out["mes_server"] = cl, ms_
                c = cl.end + ctx.ms(0.5, 2)
                break
            calc = ctx.span("mes", MES_OP["PRICE_CALCULATED"], INTERNAL, mc, parent=ms_,
                            attrs=[("mes.pricing.alloy", alloy)])
            q1 = db(ctx, "mes", calc, mc + ctx.ms(1, 3), 5, 30, "SELECT", "MetalPrices",
                    "SELECT Price FROM MetalPrices WHERE Alloy = @alloy AND Day = @day")
            if status >= 500:   # CalculatePrice throws: a rule span in ERROR does not count
                exc = mes_exc or exc_no_alloy_price(alloy, "2026-11-19")
                calc.close(q1.end + ctx.ms(1, 3)).fail(exc[1], exc=exc, t=calc.end)
                ms_.close(calc.end + ctx.ms(2, 6))
                ms_.fail(exc[1], exc=exc, t=ms_.end - ctx.ms(0.5, 1))
                cl.close(ms_.end + ctx.ms(1, 3))
                out["client"], out["mes_server"] = cl, ms_
                c = cl.end + ctx.ms(0.5, 2)
                break
            q2 = db(ctx, "mes", calc, q1.end + ctx.ms(1, 3), 1800, 7000, "EXECUTE",
                    "usp_CalculateCastingCost", "EXEC dbo.usp_CalculateCastingCost @OrderRef, "
                    "@Alloy, @VolumeMm3")
            calc.set(("mes.price.amount", round(ctx.rng.uniform(180, 4200), 2)),
                     ("mes.price.currency", "EUR"))
            pub_start = q2.end + ctx.ms(2, 8)
            calc.close(pub_start + ctx.ms(8, 14))
            state_marks(calc, mes_via, "PRICE_CALCULATED", pub_start)
            p = publish(ctx, "mes", calc, pub_start, Q_PRICED, "order.priced")
            out["calc"], out["priced_producer"] = calc, p
            ms_.close(calc.end + ctx.ms(1, 4))
            cl.close(ms_.end + ctx.ms(1, 3))
            out["client"], out["mes_server"] = cl, ms_
            c = cl.end + ctx.ms(0.5, 2)
    d = db(ctx, "shop-api", srv, c, 1, 5, "INSERT", "order_events",
           "INSERT INTO order_events (order_id, kind, at) VALUES ($1, $2, now())", old=old_http)
    srv.close(d.end + ctx.ms(1, 3))
    if parent:
        parent.close(srv.end + ctx.ms(15, 40))
    if "priced_producer" in out and crm_mode:
        out["crm_intake"] = crm_intake(ctx, o, out["priced_producer"],
                                       out["priced_producer"].end + ctx.ms(4, 40), crm_mode)
    return out


def price_async(ctx, o, producer, t, mode="child", via="rule", carries_id=True, fail=None,
                legacy64=False, crm_mode="child", tail=None, old=False):
    """MES consumes an orders.submitted message and calculates the price (seconds of heavy
    queries), then tells crm-api (order.priced). fail=(type, msg, stack): the calculation
    throws (consumer-error). tail=ns: MES keeps working after the price (renders previews)."""
    trace = ctx.trace_id(legacy64=legacy64) if mode == "link" else None
    con = consume(ctx, "mes", producer, t, mode, trace=trace, old=old)
    if carries_id:
        con.set(o.attr("mes"))
    c = t + ctx.ms(1, 3)
    calc = ctx.span("mes", MES_OP["PRICE_CALCULATED"], INTERNAL, c, parent=con,
                    attrs=[("mes.pricing.alloy", "Au750")])
    q1 = db(ctx, "mes", calc, c + ctx.ms(1, 3), 20, 90, "SELECT", "OrderModels",
            "SELECT VolumeMm3, Alloy, StoneCount FROM OrderModels WHERE OrderRef = @orderRef")
    q2 = db(ctx, "mes", calc, q1.end + ctx.ms(1, 3), 2500, 9000, "EXECUTE",
            "usp_CalculateCastingCost",
            "EXEC dbo.usp_CalculateCastingCost @OrderRef, @Alloy, @VolumeMm3")
    if fail:
        q2.close(q2.start + 30 * SEC).fail(fail[1])
        calc.close(q2.end + ctx.ms(1, 3)).fail(fail[1], exc=fail, t=calc.end)
        con.close(calc.end + ctx.ms(2, 6)).fail(fail[1], exc=fail, t=con.end - MS)
        con.set(("messaging.rabbitmq.dead_letter_exchange", "orders.submitted.dlx"))
        return {"consumer": con, "calc": calc}
    calc.set(("mes.price.amount", round(ctx.rng.uniform(380, 6200), 2)),
             ("mes.price.currency", "EUR"))
    pub_start = q2.end + ctx.ms(2, 8)
    calc.close(pub_start + ctx.ms(8, 14))
    state_marks(calc, via, "PRICE_CALCULATED", pub_start)
    p = publish(ctx, "mes", calc, pub_start, Q_PRICED, "order.priced")
    end = calc.end + ctx.ms(1, 4)
    if tail:
        r = ctx.span("mes", "RenderProductionPreviews", INTERNAL, end, parent=con)
        r.close(end + tail)
        end = r.end + ctx.ms(1, 4)
    con.close(end)
    out = {"consumer": con, "calc": calc, "priced_producer": p}
    if crm_mode:
        out["crm_intake"] = crm_intake(ctx, o, p, p.end + ctx.ms(4, 40), crm_mode)
    return out


def crm_intake(ctx, o, producer, t, mode):
    """crm-api takes order.priced from orders.priced and opens an approval task."""
    con = consume(ctx, "crm-api", producer, t, mode)
    con.set(o.attr("crm-api"))
    d = db(ctx, "crm-api", con, t + ctx.ms(1, 3), 2, 8, "INSERT", "approval_tasks",
           "INSERT INTO approval_tasks (order_id, state, created_at) VALUES (?, ?, ?)")
    return con.close(d.end + ctx.ms(1, 3))


def approve(ctx, o, t, via="attr", publish_to=Q_PRODUCTION, nested=False, wrapper=False,
            old_mq=False):
    """MANUFACTURING_APPROVED: an operator approves the order in CRM; crm-api hands it to
    MES over orders.approved. nested: two PRODUCER spans (spring-rabbit around the
    amqp-client's own). wrapper: the order id only on an INTERNAL span around the publish,
    the SERVER span (an approval-task URL) and the PRODUCER span carry none."""
    out = {}
    if wrapper:
        tid = ctx.rng.randint(10_000, 99_999)
        srv = http_server(ctx, "crm-api", "POST", "/api/approvals/{taskId}/confirm",
                          "/api/approvals/%d/confirm" % tid, 200, t, ua=OPERATOR_UA)
        c = t + ctx.ms(2, 5)
        d = db(ctx, "crm-api", srv, c, 1, 4, "SELECT", "approval_tasks",
               "SELECT order_id, state FROM approval_tasks WHERE id = ?")
        inner = ctx.span("crm-api", "ApprovalService.approve", INTERNAL, d.end + ctx.ms(0.2, 1),
                         parent=srv, attrs=[o.attr("crm-api")])
        d = db(ctx, "crm-api", inner, inner.start + ctx.ms(0.3, 1), 2, 7, "UPDATE", "orders",
               "UPDATE orders SET state = ?, approved_at = ? WHERE id = ?")
        p = publish(ctx, "crm-api", inner, d.end + ctx.ms(0.3, 1), publish_to, "order.approved")
        inner.close(p.end + ctx.ms(0.5, 2))
        state_marks(inner, via, "MANUFACTURING_APPROVED", d.end)
        srv.close(inner.end + ctx.ms(1, 4))
        out.update(server=srv, setter=inner, producer=p)
        return out
    path = "/api/orders/%s/approve" % o.oid
    srv = http_server(ctx, "crm-api", "POST", "/api/orders/{orderId}/approve", path, 200, t,
                      ua=OPERATOR_UA)
    srv.set(o.attr("crm-api"))
    c = t + ctx.ms(2, 5)
    d = db(ctx, "crm-api", srv, c, 1, 4, "SELECT", "approval_tasks",
           "SELECT id, state FROM approval_tasks WHERE order_id = ? FOR UPDATE")
    d = db(ctx, "crm-api", srv, d.end + ctx.ms(0.3, 1), 2, 7, "UPDATE", "orders",
           "UPDATE orders SET state = ?, approved_at = ? WHERE id = ?")
    state_marks(srv, via, "MANUFACTURING_APPROVED", d.end)
    c = d.end + ctx.ms(0.3, 1)
    out.update(server=srv, setter=srv)
    if publish_to:
        if nested:
            outer = publish(ctx, "crm-api", srv, c, publish_to, "order.approved")
            inner = publish(ctx, "crm-api", outer, c + ctx.ms(0.2, 0.5), publish_to,
                            "order.approved", nested_inner=True)
            inner.msg = outer.msg
            outer.close(inner.end + ctx.ms(0.2, 0.6))
            out.update(producer=outer, inner_producer=inner)
            c = outer.end
        else:
            p = publish(ctx, "crm-api", srv, c, publish_to, "order.approved", old=old_mq)
            out["producer"] = p
            c = p.end
    d = db(ctx, "crm-api", srv, c + ctx.ms(0.3, 1), 1, 4, "UPDATE", "approval_tasks",
           "UPDATE approval_tasks SET state = ?, closed_at = ? WHERE id = ?")
    srv.close(d.end + ctx.ms(1, 4))
    return out


def production_intake(ctx, o, producer, t, mode="link", carries_id=True, fail=None,
                      handled=None, legacy64=False, old=False, operation="process"):
    """MES takes the approved order from orders.approved and queues a job for the workshop.
    No state: MANUFACTURING_STARTED comes when an operator takes the job."""
    trace = ctx.trace_id(legacy64=legacy64) if mode == "link" else None
    con = consume(ctx, "mes", producer, t, mode, trace=trace, old=old, operation=operation)
    if carries_id:
        con.set(o.attr("mes"))
    job = ctx.span("mes", "RegisterProductionJob", INTERNAL, t + ctx.ms(1, 3), parent=con,
                   attrs=[("mes.job.id", "J-%05d" % ctx.rng.randint(10000, 99999))])
    c = job.start + ctx.ms(0.5, 2)
    if handled:  # an application lock timed out; caught, logged and retried: not a failure
        d = db(ctx, "mes", job, c, 5000, 5001, "EXECUTE", "sp_getapplock",
               "EXEC @result = sp_getapplock @Resource = @orderRef, @LockMode = 'Exclusive', "
               "@LockTimeout = 5000")
        job.exception(handled, d.end + ctx.ms(0.1, 0.5))
        c = d.end + ctx.ms(200, 400)
    d = db(ctx, "mes", job, c, 3, 12, "INSERT", "ProductionJobs",
           "INSERT INTO ProductionJobs (OrderRef, Stage, CreatedAt) VALUES (@orderRef, @stage, "
           "SYSUTCDATETIME())")
    job.close(d.end + ctx.ms(0.5, 2))
    if fail:
        job.fail(fail[1], exc=fail, t=job.end)
        con.close(job.end + ctx.ms(1, 3)).fail(fail[1], exc=fail, t=con.end - MS)
    else:
        con.close(job.end + ctx.ms(1, 3))
    return con


def mes_action(ctx, o, t, state, via="rule", fail=None, parent=None, trace=None):
    """An operator's page in MES: MANUFACTURING_STARTED, _COMPLETED, PACKAGING, SHIPPED.
    The operation span is named after the MES operation (the mapping rules' key)."""
    route = MES_ROUTE[state]
    path = route.replace("{orderId}", o.oid)
    srv = http_server(ctx, "mes", "POST", route, path, 500 if fail else 302, t, ua=OPERATOR_UA,
                      parent=parent, trace=trace)
    srv.set(o.attr("mes"))
    c = t + ctx.ms(2, 8)
    d = db(ctx, "mes", srv, c, 2, 15, "SELECT", "ProductionJobs",
           "SELECT Id, Stage, RowVersion FROM ProductionJobs WHERE OrderRef = @orderRef")
    op = ctx.span("mes", MES_OP[state], INTERNAL, d.end + ctx.ms(0.5, 2), parent=srv,
                  attrs=[("mes.workstation", ctx.rng.choice(["BENCH-02", "BENCH-05", "CAST-01",
                                                             "PACK-01"]))])
    d = db(ctx, "mes", op, op.start + ctx.ms(0.5, 2), 3, 20, "UPDATE", "ProductionJobs",
           "UPDATE ProductionJobs SET Stage = @stage, RowVersion = RowVersion + 1 "
           "WHERE Id = @id AND RowVersion = @rowVersion")
    out = {"server": srv, "op": op}
    if fail:
        op.close(d.end + ctx.ms(1, 3)).fail(fail[1], exc=fail, t=op.end)
        srv.close(op.end + ctx.ms(3, 9)).fail(fail[1], exc=fail, t=srv.end - MS)
        return out
    c = d.end + ctx.ms(0.5, 2)
    if state == "SHIPPED":
        cl = http_client(ctx, "mes", "POST", "https://api.parcel-carrier.example/v2/shipments",
                         201, c, op)
        cl.close(c + ctx.ms(180, 900))
        c = cl.end + ctx.ms(1, 3)
        op.set(("mes.shipment.carrier", "parcel-carrier"))
    state_marks(op, via, state, c)
    if state == "SHIPPED":
        p = publish(ctx, "mes", op, c + ctx.ms(0.5, 1), Q_SHIPPED, "order.shipped")
        out["producer"] = p
        c = p.end
    op.close(c + ctx.ms(1, 4))
    srv.close(op.end + ctx.ms(2, 10))
    return out


def crm_shipped(ctx, o, producer, t, mode="link"):
    """crm-api records the shipment (waits for the carrier's delivery message to close)."""
    con = consume(ctx, "crm-api", producer, t, mode)
    con.set(o.attr("crm-api"))
    d = db(ctx, "crm-api", con, t + ctx.ms(1, 3), 2, 8, "UPDATE", "orders",
           "UPDATE orders SET state = ?, tracking_no = ? WHERE id = ?")
    return con.close(d.end + ctx.ms(1, 3))


def close_order(ctx, o, t, via="attr", manual=False):
    """CLOSED: the carrier's delivery webhook reaches crm-api (or an operator closes)."""
    if manual:
        path = "/api/orders/%s/close" % o.oid
        srv = http_server(ctx, "crm-api", "POST", "/api/orders/{orderId}/close", path, 200, t,
                          ua=OPERATOR_UA)
    else:
        srv = http_server(ctx, "crm-api", "POST", "/api/carrier/webhook", "/api/carrier/webhook",
                          204, t, ua="parcel-carrier-webhooks/2.1")
        srv.set(("crm.carrier.event", "delivered"))
    srv.set(o.attr("crm-api"))
    d = db(ctx, "crm-api", srv, t + ctx.ms(1, 4), 2, 8, "UPDATE", "orders",
           "UPDATE orders SET state = ?, closed_at = ? WHERE id = ?")
    state_marks(srv, via, "CLOSED", d.end)
    return srv.close(d.end + ctx.ms(1, 4))


def ship(ctx, o, t, via="rule", crm_mode="link"):
    out = mes_action(ctx, o, t, "SHIPPED", via=via)
    p = out["producer"]
    out["crm"] = crm_shipped(ctx, o, p, p.end + ctx.ms(5, 60), crm_mode)
    return out


def full_history(ctx, o, times, upload=True, pricing="sync", approve_via="attr",
                 mes_vias=None, consumer_mode="link", close=True, email=False, web=False,
                 split_at=None):
    """The common path, one trace per step (many-traces). `times` maps state -> time."""
    mes_vias = mes_vias or {}
    def maybe_split(state):
        if split_at and state == split_at:
            ctx.dest = "jaeger"
    initiate(ctx, o, times["INITIATED"], email=email, web=web)
    if upload:
        maybe_split("FILE_UPLOADED")
        upload_model(ctx, o, times["FILE_UPLOADED"])
    maybe_split("SUBMITTED")
    s = submit(ctx, o, times["SUBMITTED"], pricing=pricing, web=web,
               mes_via=mes_vias.get("PRICE_CALCULATED", "rule"))
    if pricing == "async":
        price_async(ctx, o, s["producer"], times["PRICE_CALCULATED"], mode=consumer_mode,
                    via=mes_vias.get("PRICE_CALCULATED", "rule"))
    if "MANUFACTURING_APPROVED" not in times:
        return
    maybe_split("MANUFACTURING_APPROVED")
    a = approve(ctx, o, times["MANUFACTURING_APPROVED"], via=approve_via)
    production_intake(ctx, o, a["producer"], a["producer"].end + ctx.ms(8, 90),
                      mode=consumer_mode)
    for st in ("MANUFACTURING_STARTED", "MANUFACTURING_COMPLETED", "PACKAGING"):
        if st in times:
            maybe_split(st)
            mes_action(ctx, o, times[st], st, via=mes_vias.get(st, "rule"))
    if "SHIPPED" in times:
        maybe_split("SHIPPED")
        ship(ctx, o, times["SHIPPED"], via=mes_vias.get("SHIPPED", "rule"),
             crm_mode=consumer_mode)
    if close and "CLOSED" in times:
        maybe_split("CLOSED")
        close_order(ctx, o, times["CLOSED"])


def sched(**kw):
    """sched(INITIATED='2026-10-12T09:14:10', ...) -> {state: ns}."""
    return {k: (T(v) if isinstance(v, str) else v) for k, v in kw.items()}


def manifest(order_id, verdict, suspect, fault, last_state, note):
    return {"order_id": order_id, "verdict": verdict, "suspect": suspect, "fault": fault,
            "last_state": last_state, "note": note}


# --------------------------------------------------------------------------------------
# Showcase set: tests/data/showcase/ (about a dozen hand-designed orders, both formats;
# data/demo/ is the simulator's)
# --------------------------------------------------------------------------------------
# The MES host's clock runs 5 minutes slow from 2026-11-17 (its time service stopped);
# every MES span after that is skewed, which is what ORD-2026-0013 shows most clearly.
DEMO_MES_SKEW = ("mes", T("2026-11-17T00:00:00"), -5 * MIN)


def demo_0001(ctx):
    """COMPLETED, many-traces: a custom ring, every step its own trace (joined by
    order.id and links), split across both files: up to the approval in the OTLP file,
    the workshop steps and the closing in the Jaeger file. CLOSED reached -> row 2."""
    o = Order("ORD-2026-0001")
    full_history(ctx, o, sched(
        INITIATED="2026-10-12T09:14:10", FILE_UPLOADED="2026-10-12T09:31:42",
        SUBMITTED="2026-10-12T09:40:05", MANUFACTURING_APPROVED="2026-10-13T10:05:31",
        MANUFACTURING_STARTED="2026-10-14T08:20:12", MANUFACTURING_COMPLETED="2026-10-22T16:45:03",
        PACKAGING="2026-10-23T09:10:44", SHIPPED="2026-10-23T14:30:19",
        CLOSED="2026-10-27T11:02:57"), email=True, web=True,
        mes_vias={"PACKAGING": "attr"}, split_at="MANUFACTURING_STARTED")
    return manifest(o.oid, "COMPLETED", None, "many-traces", "CLOSED",
                    "custom ring, 11 traces over 15 days, split across the OTLP file (to the "
                    "approval) and the Jaeger file (workshop, closing); CLOSED -> row 2")


def demo_0002(ctx):
    """COMPLETED, slow-but-fine: a catalogue item (no FILE_UPLOADED) whose pricing waited
    5 h in the queue, approval took 5 days and manufacturing 35 days (over 3x its 10 d),
    and then it was closed. CLOSED reached -> row 2; the delays are warnings only."""
    ctx.dest = "jaeger"
    o = Order("ORD-2026-0002")
    times = sched(INITIATED="2026-09-21T18:02:33", SUBMITTED="2026-09-21T18:10:02",
                  PRICE_CALCULATED="2026-09-21T23:12:40",
                  MANUFACTURING_APPROVED="2026-09-26T15:44:09",
                  MANUFACTURING_STARTED="2026-09-28T08:05:51",
                  MANUFACTURING_COMPLETED="2026-11-02T17:20:30", PACKAGING="2026-11-04T10:12:08",
                  SHIPPED="2026-11-05T13:48:26", CLOSED="2026-11-18T09:31:14")
    full_history(ctx, o, times, upload=False, pricing="async", consumer_mode="child")
    return manifest(o.oid, "COMPLETED", None, "slow-but-fine", "CLOSED",
                    "catalogue item; pricing 5 h in the queue, approval 5 d, manufacturing 35 d "
                    "(over 3x 10 d), then closed: COMPLETED, never LOST")


def demo_0003(ctx):
    """ON_TRACK: MANUFACTURING_STARTED 4 days before now; its allowance is 10 d. On
    submit a cached-quote lookup answered 404 (a CLIENT span in ERROR below 500: not an
    error) and the first price call got 503 from MES, retried 1 s later with success."""
    o = Order("ORD-2026-0003")
    initiate(ctx, o, T("2026-11-13T19:22:41"), web=True)
    upload_model(ctx, o, T("2026-11-13T19:35:10"))
    s = submit(ctx, o, T("2026-11-13T19:41:55"), sync_retry=True)
    miss = http_client(ctx, "shop-api", "GET",
                       "http://mes.internal:8080/api/pricing/quotes/%s" % o.oid, 404,
                       s["server"].start + 8 * MS, s["server"])
    miss.close(miss.start + 4 * MS)
    a = approve(ctx, o, T("2026-11-14T11:02:18"))
    production_intake(ctx, o, a["producer"], a["producer"].end + 31 * MS)
    mes_action(ctx, o, T("2026-11-16T10:00:36"), "MANUFACTURING_STARTED")
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_STARTED",
                    "taken by the workshop 4 d ago, 10 d allowed; a 404 on a cached-quote "
                    "lookup and a 503 retried with success are not errors")


def demo_0004(ctx):
    """STALLED, stalled-by-people: priced 3 d 20 h ago, crm-api got the message and opened
    the approval task, nobody approved. Over the 2 d allowance, under 3x -> row 7;
    suspect crm-api (owner of MANUFACTURING_APPROVED)."""
    ctx.dest = "jaeger"
    o = Order("ORD-2026-0004")
    initiate(ctx, o, T("2026-11-16T15:12:09"), cart=True)
    submit(ctx, o, T("2026-11-16T15:20:44"))
    return manifest(o.oid, "STALLED", "crm-api", "stalled-by-people", "PRICE_CALCULATED",
                    "priced 3 d 20 h ago, approval task open in CRM, no approval (2 d allowed, "
                    "LOST at 6 d)")


def demo_0005(ctx):
    """LOST (hard), lost-in-queue: approved 5 d ago; crm-api's publish to orders.approved
    (a child of the approving span) was never consumed, and the 3 d allowance has run
    out -> row 3. Suspect mes (owner of MANUFACTURING_STARTED)."""
    o = Order("ORD-2026-0005")
    initiate(ctx, o, T("2026-11-13T08:47:25"))
    upload_model(ctx, o, T("2026-11-13T09:05:12"))
    s = submit(ctx, o, T("2026-11-13T09:16:40"), pricing="async")
    price_async(ctx, o, s["producer"], s["producer"].end + 2 * SEC, mode="link")
    approve(ctx, o, T("2026-11-15T11:30:05"))
    return manifest(o.oid, "LOST", "mes", "lost-in-queue", "MANUFACTURING_APPROVED",
                    "publish to orders.approved 5 d ago never consumed (3 d allowed)")


def demo_0006(ctx):
    """LOST (hard), consumer-error: MES's pricing consumer (a new trace with a 64-bit
    trace id, linked to shop-api's publish) threw a SQL timeout; the message went to the
    dead-letter exchange; no PRICE_CALCULATED -> row 3 at once. Suspect mes."""
    ctx.dest = "jaeger"
    o = Order("ORD-2026-0006")
    initiate(ctx, o, T("2026-11-18T20:31:02"))
    upload_model(ctx, o, T("2026-11-18T20:39:47"))
    s = submit(ctx, o, T("2026-11-18T20:45:13"), pricing="async")
    price_async(ctx, o, s["producer"], s["producer"].end + 1400 * MS, mode="link",
                fail=exc_sql_timeout(), legacy64=True)
    return manifest(o.oid, "LOST", "mes", "consumer-error", "SUBMITTED",
                    "MES pricing consumer failed (SqlException timeout), message dead-lettered; "
                    "consumer trace has a 64-bit trace id")


def demo_0007(ctx):
    """LOST (hard), sync-500: shop-api's price call to MES got a 500 (no metal price for
    the alloy) and was not retried -> row 3 at once. Suspect mes. shop-api itself answered
    202 to the customer (price to be e-mailed), so its SERVER span is no error."""
    o = Order("ORD-2026-0007")
    initiate(ctx, o, T("2026-11-19T15:58:30"), cart=True)
    submit(ctx, o, T("2026-11-19T16:05:07"), sync_status=500, alloy="Pt950")
    return manifest(o.oid, "LOST", "mes", "sync-500", "SUBMITTED",
                    "POST mes /api/pricing/calculate answered 500, not retried")


def demo_0008(ctx):
    """LOST by time: MANUFACTURING_COMPLETED 3 d 18 h ago, no PACKAGING, no error and no
    pending message; at least 3x the 1 d allowance -> row 6. Suspect mes."""
    ctx.dest = "jaeger"
    o = Order("ORD-2026-0008")
    full_history(ctx, o, sched(
        INITIATED="2026-10-29T12:01:44", FILE_UPLOADED="2026-10-29T12:14:05",
        SUBMITTED="2026-10-29T12:20:31", MANUFACTURING_APPROVED="2026-10-30T09:45:12",
        MANUFACTURING_STARTED="2026-11-02T07:58:40",
        MANUFACTURING_COMPLETED="2026-11-16T17:40:22"))
    return manifest(o.oid, "LOST", "mes", None, "MANUFACTURING_COMPLETED",
                    "finished 3 d 18 h ago, never packed (1 d allowed, LOST at 3 d); no error "
                    "signal")


def demo_0009(ctx):
    """ABANDONED, abandoned-cart: the customer uploaded a model 13 d ago and never placed
    the order. Last state FILE_UPLOADED (before SUBMITTED), 7 d allowance run out -> row 5."""
    o = Order("ORD-2026-0009")
    initiate(ctx, o, T("2026-11-06T21:15:38"), web=True)
    upload_model(ctx, o, T("2026-11-06T21:40:02"))
    return manifest(o.oid, "ABANDONED", None, "abandoned-cart", "FILE_UPLOADED",
                    "model uploaded 13 d ago, never submitted")


def demo_0010(ctx):
    """INCONSISTENT, sampling-gap: the StartManufacturing trace was not sampled; APPROVED,
    then COMPLETED and PACKAGING exist. A required state missing while later ones exist ->
    row 4 (PACKAGING 1 d 3 h ago would otherwise be ON_TRACK)."""
    ctx.dest = "jaeger"
    o = Order("ORD-2026-0010")
    full_history(ctx, o, sched(
        INITIATED="2026-11-03T10:20:11", FILE_UPLOADED="2026-11-03T10:44:52",
        SUBMITTED="2026-11-03T10:51:30", MANUFACTURING_APPROVED="2026-11-05T14:03:27",
        MANUFACTURING_COMPLETED="2026-11-17T15:32:09", PACKAGING="2026-11-19T09:00:48"))
    return manifest(o.oid, "INCONSISTENT", None, "sampling-gap", "PACKAGING",
                    "MANUFACTURING_STARTED missing (trace not sampled) while COMPLETED and "
                    "PACKAGING exist")


def demo_0011(ctx):
    """ON_TRACK, int order id: a B2B order whose id every service writes as an int
    attribute (order.id = 20260011); SHIPPED 3 d ago, 14 d allowed. Split across files."""
    o = Order(20260011)
    times = sched(INITIATED="2026-11-02T09:00:14", SUBMITTED="2026-11-02T09:00:52",
                  MANUFACTURING_APPROVED="2026-11-03T08:30:40",
                  MANUFACTURING_STARTED="2026-11-04T07:45:03",
                  MANUFACTURING_COMPLETED="2026-11-12T16:10:27", PACKAGING="2026-11-13T08:40:55",
                  SHIPPED="2026-11-17T10:15:31")
    full_history(ctx, o, times, upload=False, split_at="MANUFACTURING_STARTED")
    return manifest("20260011", "ON_TRACK", None, None, "SHIPPED",
                    "order.id is an int attribute (20260011); shipped 3 d ago, 14 d allowed; "
                    "split across both files")


def demo_0012(ctx):
    """COMPLETED, duplicate-delivery: MES's pricing consumer lost its channel before the
    ack, RabbitMQ redelivered, the price was calculated twice (PRICE_CALCULATED repeated:
    evidence, not a regression). CLOSED -> row 2."""
    o = Order("ORD-2026-0012")
    initiate(ctx, o, T("2026-10-20T13:40:02"))
    upload_model(ctx, o, T("2026-10-20T13:52:37"))
    s = submit(ctx, o, T("2026-10-20T14:01:15"), pricing="async")
    first = price_async(ctx, o, s["producer"], s["producer"].end + 900 * MS, mode="child")
    again = price_async(ctx, o, s["producer"], first["consumer"].end + 31 * SEC, mode="child")
    again["consumer"].set(("messaging.rabbitmq.message.redelivered", True))
    a = approve(ctx, o, T("2026-10-21T09:12:44"))
    production_intake(ctx, o, a["producer"], a["producer"].end + 22 * MS)
    mes_action(ctx, o, T("2026-10-22T08:03:19"), "MANUFACTURING_STARTED")
    mes_action(ctx, o, T("2026-10-30T15:27:50"), "MANUFACTURING_COMPLETED")
    mes_action(ctx, o, T("2026-10-31T09:04:11"), "PACKAGING")
    ship(ctx, o, T("2026-10-31T13:22:36"))
    close_order(ctx, o, T("2026-11-04T10:48:05"))
    return manifest(o.oid, "COMPLETED", None, "duplicate-delivery", "CLOSED",
                    "orders.submitted message redelivered, PRICE_CALCULATED twice (first one counts)")


def demo_0013(ctx):
    """ON_TRACK, clock-skew: the MES host is 5 min slow. Approved 09:12, the workshop took
    it at 09:14 real time, MES stamped 09:09 - before the approval. The MES consumer of
    the approval message continues crm-api's trace and starts ~5 min before its parent,
    which measures the skew; corrected, STARTED follows APPROVED. STARTED 1 d ago, 10 d
    allowed -> row 8 (uncorrected it would look INCONSISTENT)."""
    ctx.dest = "jaeger"
    o = Order("ORD-2026-0013")
    initiate(ctx, o, T("2026-11-17T10:02:50"), cart=True)
    submit(ctx, o, T("2026-11-17T10:07:33"))
    a = approve(ctx, o, T("2026-11-19T09:11:59"))
    production_intake(ctx, o, a["producer"], a["producer"].end + 27 * MS, mode="child")
    mes_action(ctx, o, T("2026-11-19T09:14:30"), "MANUFACTURING_STARTED")
    return manifest(o.oid, "ON_TRACK", None, "clock-skew", "MANUFACTURING_STARTED",
                    "MES clock 5 min slow: StartManufacturing stamped before the approval; "
                    "the consumer that starts before its producer parent shows the skew")


def demo_0014(ctx):
    """INCONSISTENT: an operator started packing (PACKAGING 10:05) before marking the piece
    finished (COMPLETED 16:30). Both in MES, unrelated traces, no skew between them ->
    out of order after causality and skew correction -> row 4."""
    o = Order("ORD-2026-0014")
    full_history(ctx, o, sched(
        INITIATED="2026-11-02T17:30:06", FILE_UPLOADED="2026-11-02T17:49:21",
        SUBMITTED="2026-11-02T17:55:48", MANUFACTURING_APPROVED="2026-11-03T10:15:02",
        MANUFACTURING_STARTED="2026-11-04T08:30:27", PACKAGING="2026-11-18T10:05:14",
        MANUFACTURING_COMPLETED="2026-11-18T16:30:42"), mes_vias={"PACKAGING": "attr"})
    return manifest(o.oid, "INCONSISTENT", None, None, "PACKAGING",
                    "PACKAGING recorded 6 h before MANUFACTURING_COMPLETED, causally unrelated "
                    "spans of the same service")


DEMO = [demo_0001, demo_0002, demo_0003, demo_0004, demo_0005, demo_0006, demo_0007,
        demo_0008, demo_0009, demo_0010, demo_0011, demo_0012, demo_0013, demo_0014]


# --------------------------------------------------------------------------------------
# Scenarios: tests/data/scenarios/ (one order per file, formats alternate)
# --------------------------------------------------------------------------------------

def prefix(ctx, o, t_submit, upload=True, pricing="sync", cart=False):
    """INITIATED (-25 min) [, FILE_UPLOADED (-9 min)], SUBMITTED at t_submit with pricing."""
    initiate(ctx, o, t_submit - 25 * MIN + ctx.secs(0, 60), cart=cart)
    if upload:
        upload_model(ctx, o, t_submit - 9 * MIN + ctx.secs(0, 60))
    return submit(ctx, o, t_submit, pricing=pricing)


def sc_lost_in_queue(ctx):
    """LOST, mes, lost-in-queue. Approved 5 d ago; the PRODUCER to orders.approved descends
    from the approving span and no CONSUMER took it; 3 d allowance run out -> row 3."""
    o = Order("ORD-2026-0101")
    prefix(ctx, o, ago(7, 2))
    approve(ctx, o, ago(5, 1))
    return manifest(o.oid, "LOST", "mes", "lost-in-queue", "MANUFACTURING_APPROVED",
                    "publish to orders.approved 5 d ago, no consumer (3 d allowed)")


def sc_consumer_error(ctx):
    """LOST, mes, consumer-error. MES's pricing consumer (new trace, 64-bit trace id, link
    to the publish) ended in ERROR with an exception; no PRICE_CALCULATED -> row 3."""
    o = Order("ORD-2026-0102")
    s = prefix(ctx, o, ago(1, 5), pricing="async")
    price_async(ctx, o, s["producer"], s["producer"].end + 1200 * MS, mode="link",
                fail=exc_sql_timeout(), legacy64=True)
    return manifest(o.oid, "LOST", "mes", "consumer-error", "SUBMITTED",
                    "mes pricing consumer ERROR (SqlException), CalculatePrice in ERROR does not "
                    "count; consumer trace id has a zero high half (16 hex in Jaeger JSON)")


def sc_sync_500(ctx):
    """LOST, mes, sync-500. shop-api -> mes POST /api/pricing/calculate answered 500, no
    retry; the CLIENT span is addressed to mes (its child SERVER span is in mes) -> row 3."""
    o = Order("ORD-2026-0103")
    initiate(ctx, o, ago(0, 20, 7), cart=True)
    submit(ctx, o, ago(0, 20), sync_status=500, alloy="Pt950")
    return manifest(o.oid, "LOST", "mes", "sync-500", "SUBMITTED",
                    "pricing call answered 500 by mes, not retried")


def sc_stalled_by_people(ctx):
    """STALLED, crm-api, stalled-by-people. Priced 3 d ago (consumed by crm-api, task
    open), no approval: over 2 d, under 6 d -> row 7."""
    o = Order("ORD-2026-0104")
    prefix(ctx, o, ago(3, 1))
    return manifest(o.oid, "STALLED", "crm-api", "stalled-by-people", "PRICE_CALCULATED",
                    "priced 3 d ago, never approved (2 d allowed)")


def sc_slow_but_fine(ctx):
    """COMPLETED, slow-but-fine. Every step late (pricing 2 h, approval 6 d, manufacturing
    33 d, shipping to closing 20 d) and then CLOSED -> row 2."""
    o = Order("ORD-2026-0105")
    t0 = ago(75)
    full_history(ctx, o, {
        "INITIATED": t0, "FILE_UPLOADED": t0 + 14 * MIN, "SUBMITTED": t0 + 3 * HOUR,
        "PRICE_CALCULATED": t0 + 5 * HOUR, "MANUFACTURING_APPROVED": t0 + 6 * DAY,
        "MANUFACTURING_STARTED": t0 + 9 * DAY, "MANUFACTURING_COMPLETED": t0 + 42 * DAY,
        "PACKAGING": t0 + 45 * DAY, "SHIPPED": t0 + 48 * DAY, "CLOSED": t0 + 68 * DAY},
        pricing="async")
    return manifest(o.oid, "COMPLETED", None, "slow-but-fine", "CLOSED",
                    "every step over its allowance, some over 3x, then closed")


def sc_clock_skew(ctx):
    """ON_TRACK, clock-skew. MES 5 min slow: its consumer of the approval message (same
    trace) starts before its crm-api parent; StartManufacturing (2 min after the approval
    in real time) is stamped 3 min before it. Skew-corrected order is fine; STARTED 2 d ago
    (10 d allowed) -> row 8. Uncorrected it would be INCONSISTENT."""
    o = Order("ORD-2026-0106")
    prefix(ctx, o, ago(4, 6), upload=False, cart=True)
    t_appr = ago(2, 3)
    ctx.skews.append(("mes", t_appr - HOUR, -5 * MIN))
    a = approve(ctx, o, t_appr)
    production_intake(ctx, o, a["producer"], a["producer"].end + 24 * MS, mode="child")
    mes_action(ctx, o, a["server"].end + 2 * MIN, "MANUFACTURING_STARTED")
    return manifest(o.oid, "ON_TRACK", None, "clock-skew", "MANUFACTURING_STARTED",
                    "mes clock -5 min; StartManufacturing stamped before the approval; consumer "
                    "starts before its producer parent")


def sc_sampling_gap(ctx):
    """INCONSISTENT, sampling-gap. The StartManufacturing trace was not sampled;
    COMPLETED (3 d ago) and PACKAGING (20 h ago) exist -> row 4 (required state missing)."""
    o = Order("ORD-2026-0107")
    t0 = ago(16)
    full_history(ctx, o, {
        "INITIATED": t0, "FILE_UPLOADED": t0 + 12 * MIN, "SUBMITTED": t0 + 20 * MIN,
        "MANUFACTURING_APPROVED": t0 + 1 * DAY + 3 * HOUR,
        "MANUFACTURING_COMPLETED": ago(3, 2), "PACKAGING": ago(0, 20)})
    return manifest(o.oid, "INCONSISTENT", None, "sampling-gap", "PACKAGING",
                    "MANUFACTURING_STARTED missing while later states exist")


def sc_duplicate_delivery(ctx):
    """STALLED, crm-api, duplicate-delivery. MES's pricing consumer hung after calculating
    and never acked; 30 h later it restarted and RabbitMQ redelivered the message: the
    price was calculated again. The first PRICE_CALCULATED (2 d 12 h ago) sets the
    timeline -> over 2 d -> row 7. Counting the repeat (1 d 6 h ago) would say ON_TRACK."""
    o = Order("ORD-2026-0108")
    s = prefix(ctx, o, ago(2, 12, 2), pricing="async")
    price_async(ctx, o, s["producer"], s["producer"].end + 700 * MS, mode="child")
    again = price_async(ctx, o, s["producer"], ago(1, 6), mode="child")
    again["consumer"].set(("messaging.rabbitmq.message.redelivered", True))
    return manifest(o.oid, "STALLED", "crm-api", "duplicate-delivery", "PRICE_CALCULATED",
                    "PRICE_CALCULATED repeated by a redelivery 30 h later; the first occurrence "
                    "counts (2 d 12 h ago)")


def sc_abandoned_cart(ctx):
    """ABANDONED, abandoned-cart. Items put into an empty cart 10 d ago, nothing since:
    INITIATED (before SUBMITTED), 7 d allowance run out -> row 5."""
    o = Order("ORD-2026-0109")
    initiate(ctx, o, ago(10, 3), cart=True, via="event")
    return manifest(o.oid, "ABANDONED", None, "abandoned-cart", "INITIATED",
                    "cart created 10 d ago, never submitted")


def sc_many_traces(ctx):
    """COMPLETED, many-traces (one trace per step). Each step its own trace; every
    consumer starts a new trace linked to its producer. CLOSED -> row 2."""
    o = Order("ORD-2026-0110")
    t0 = ago(30)
    full_history(ctx, o, {
        "INITIATED": t0, "FILE_UPLOADED": t0 + 17 * MIN, "SUBMITTED": t0 + 25 * MIN,
        "PRICE_CALCULATED": t0 + 25 * MIN + 4 * SEC, "MANUFACTURING_APPROVED": t0 + DAY,
        "MANUFACTURING_STARTED": t0 + 2 * DAY, "MANUFACTURING_COMPLETED": t0 + 10 * DAY,
        "PACKAGING": t0 + 11 * DAY, "SHIPPED": t0 + 11 * DAY + 4 * HOUR,
        "CLOSED": t0 + 14 * DAY}, pricing="async", consumer_mode="link",
        mes_vias={"MANUFACTURING_STARTED": "attr", "SHIPPED": "event"})
    return manifest(o.oid, "COMPLETED", None, "many-traces", "CLOSED",
                    "one trace per step, consumers in new traces joined by links")


def sc_one_long_trace(ctx):
    """ON_TRACK, many-traces (one long trace). A catalogue item whose whole life is one
    trace over 18 days: every consumer continues its producer's trace, CRM approves
    automatically in its consumer, and MES's workshop terminals take each next task from
    the mes.workshop queue (consumers in the same trace). SHIPPED 4 d ago, 14 d allowed
    -> row 8."""
    o = Order("ORD-2026-0111")
    initiate(ctx, o, ago(22, 1), cart=True)
    s = submit(ctx, o, ago(22), pricing="async")
    pr = price_async(ctx, o, s["producer"], s["producer"].end + 400 * MS, mode="child",
                     crm_mode=None)
    p = pr["priced_producer"]
    con = consume(ctx, "crm-api", p, p.end + 12 * MS, "child")
    auto = ctx.span("crm-api", "AutoApprovalPolicy.apply", INTERNAL, con.start + 2 * MS,
                    parent=con, attrs=[("crm.approval.rule", "prepaid-catalogue")])
    d = db(ctx, "crm-api", auto, auto.start + MS, 2, 6, "UPDATE", "orders",
           "UPDATE orders SET state = ?, approved_at = ? WHERE id = ?")
    state_marks(auto, "attr", "MANUFACTURING_APPROVED")
    prod = publish(ctx, "crm-api", auto, d.end + MS, Q_PRODUCTION, "order.approved")
    auto.close(prod.end + MS)
    con.close(auto.end + 2 * MS)
    mes_in = production_intake(ctx, o, prod, prod.end + 30 * MS, mode="child")
    # The workshop: each task is a mes.workshop message taken by an operator's terminal.
    task = publish(ctx, "mes", mes_in, mes_in.end - 8 * MS, Q_WORKSHOP, "task.start")
    steps = [("MANUFACTURING_STARTED", ago(20, 4)), ("MANUFACTURING_COMPLETED", ago(6, 7)),
             ("PACKAGING", ago(5, 2)), ("SHIPPED", ago(4, 1))]
    for n, (state, t) in enumerate(steps):
        take = consume(ctx, "mes", task, t, "child", operation="receive")
        take.set(("mes.workstation", "TERMINAL-0%d" % (n + 1)))
        out = mes_action(ctx, o, take.start + 40 * MS, state, parent=take)
        if state == "SHIPPED":
            take.close(out["server"].end + 3 * MS)
            crm_shipped(ctx, o, out["producer"], out["producer"].end + 25 * MS, "child")
            break
        nxt = publish(ctx, "mes", out["op"], out["op"].end - 8 * MS, Q_WORKSHOP,
                      "task." + steps[n + 1][0].lower())
        take.close(out["server"].end + 3 * MS)
        task = nxt
    return manifest(o.oid, "ON_TRACK", None, "many-traces", "SHIPPED",
                    "the whole life in one 18-day trace; shipped 4 d ago (14 d allowed)")


def sc_lost_by_time(ctx):
    """LOST by time, crm-api. SHIPPED 45 d ago, the shipment message reached crm-api, the
    carrier's delivery message never came: at least 3x the 14 d allowance -> row 6."""
    o = Order("ORD-2026-0112")
    t0 = ago(62)
    full_history(ctx, o, {
        "INITIATED": t0, "SUBMITTED": t0 + 8 * MIN, "MANUFACTURING_APPROVED": t0 + DAY,
        "MANUFACTURING_STARTED": t0 + 2 * DAY, "MANUFACTURING_COMPLETED": t0 + 12 * DAY,
        "PACKAGING": t0 + 13 * DAY, "SHIPPED": ago(45)}, upload=False)
    return manifest(o.oid, "LOST", "crm-api", None, "SHIPPED",
                    "shipped 45 d ago, never closed (14 d allowed, LOST at 42 d)")


def _approved_then(ctx, o, days_ago, **approve_kw):
    prefix(ctx, o, ago(days_ago + 2, 3))
    return approve(ctx, o, ago(days_ago, 2), **approve_kw)


def sc_consumer_same_trace(ctx):
    """STALLED, mes. Approved 5 d ago; MES's consumer continues crm-api's trace (context in
    the message headers) -> the publish is consumed, no hard signal; over 3 d, under 9 d ->
    row 7. Missing the consumer would say LOST."""
    o = Order("ORD-2026-0113")
    a = _approved_then(ctx, o, 5)
    production_intake(ctx, o, a["producer"], a["producer"].end + 35 * MS, mode="child")
    return manifest(o.oid, "STALLED", "mes", None, "MANUFACTURING_APPROVED",
                    "consumer continues the producer's trace; consumed, so not lost-in-queue")


def sc_consumer_linked(ctx):
    """STALLED, mes. As 13, but MES's consumer starts a new trace with a span link to the
    PRODUCER (and carries the order id) -> consumed -> row 7."""
    o = Order("ORD-2026-0114")
    a = _approved_then(ctx, o, 5)
    production_intake(ctx, o, a["producer"], a["producer"].end + 41 * MS, mode="link")
    return manifest(o.oid, "STALLED", "mes", None, "MANUFACTURING_APPROVED",
                    "consumer in a new trace joined by a span link; consumed")


def sc_linked_consumer_no_id(ctx):
    """STALLED, mes. The consumer's new trace links to the PRODUCER and none of its spans
    carries an order id: only the search for CONSUMER spans linking to the publish finds
    it -> consumed -> row 7 (not LOST)."""
    o = Order("ORD-2026-0115")
    a = _approved_then(ctx, o, 5)
    production_intake(ctx, o, a["producer"], a["producer"].end + 52 * MS, mode="link",
                      carries_id=False)
    return manifest(o.oid, "STALLED", "mes", None, "MANUFACTURING_APPROVED",
                    "linked consumer trace carries no order id; found by its link only")


def sc_state_from_event(ctx):
    """STALLED, crm-api. MES (patched version) marks PRICE_CALCULATED with an
    order.status_changed event 49 h before now, then renders production previews for 3 h
    more (span end 46 h before now). The event's time is the transition's -> 49 h > 48 h
    -> row 7. Taking the span end would say ON_TRACK."""
    o = Order("ORD-2026-0116")
    s = prefix(ctx, o, ago(2, 1, 1), pricing="async")
    t_event = ago(2, 1)
    # consumer starts so that the calculation (and its event) lands on t_event
    out = price_async(ctx, o, s["producer"], s["producer"].end + 500 * MS, mode="child",
                      via="rule", tail=3 * HOUR)
    calc = out["calc"]
    calc.name = "PriceCalculation.Run"    # the patched MES: no rule name, an explicit event
    shift = t_event - calc.end
    _shift_subtree(ctx, out["consumer"], shift, include_links=False)
    calc.event("order.status_changed", t_event - 5 * MS, ("order.status", "PRICE_CALCULATED"))
    return manifest(o.oid, "STALLED", "crm-api", None, "PRICE_CALCULATED",
                    "state from an order.status_changed event 49 h ago; its span ends 3 h later "
                    "(46 h ago): the event time counts")


def sc_state_from_attribute(ctx):
    """ON_TRACK. MES's consumer span carries order.status = PRICE_CALCULATED and ends
    47 h before now after 3 h of work (it started 50 h before now). Without an event the
    transition's time is the span end -> 47 h < 48 h -> row 8."""
    o = Order("ORD-2026-0117")
    s = prefix(ctx, o, ago(2, 2, 5), pricing="async")
    out = price_async(ctx, o, s["producer"], s["producer"].end + 600 * MS, mode="child",
                      tail=3 * HOUR)
    con, calc = out["consumer"], out["calc"]
    calc.name = "PriceCalculation.Run"
    con.set(("order.status", "PRICE_CALCULATED"))
    shift = ago(1, 23) - con.end
    _shift_subtree(ctx, con, shift, include_links=False)
    return manifest(o.oid, "ON_TRACK", None, None, "PRICE_CALCULATED",
                    "state from an order.status attribute on a 3 h span: time = span end "
                    "(47 h ago), not its start (50 h ago)")


def _shift_subtree(ctx, root, delta, include_links):
    """Move a span and its descendants (same trace) by delta ns."""
    ids = {root.span_id}
    changed = True
    while changed:
        changed = False
        for sp in ctx.spans:
            if sp.parent_id in ids and sp.span_id not in ids and sp.trace_id == root.trace_id:
                ids.add(sp.span_id)
                changed = True
    for sp in ctx.spans:
        if sp.span_id in ids:
            sp.start += delta
            sp.end += delta
            sp.events = [(n, t + delta, a) for n, t, a in sp.events]


def sc_mapping_rule(ctx):
    """ON_TRACK. MANUFACTURING_STARTED only by MES's operation name (StartManufacturing,
    no order.status anywhere) 8 d ago; approved 10 d ago. With the rule: 8 d < 10 d ->
    row 8. Without it the order would be LOST by time (10 d >= 3x 3 d)."""
    o = Order("ORD-2026-0118")
    a = _approved_then(ctx, o, 10)
    production_intake(ctx, o, a["producer"], a["producer"].end + 19 * MS)
    mes_action(ctx, o, ago(8, 4), "MANUFACTURING_STARTED", via="rule")
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_STARTED",
                    "MANUFACTURING_STARTED from the mapping rule on StartManufacturing only")


def sc_mapping_rule_error(ctx):
    """LOST, mes. StartManufacturing 3 d ago (rule). CompleteManufacturing 2 d ago ended
    in ERROR (a concurrency exception, HTTP 500): a rule-only state on an ERROR span does
    not count, and that error is in MES, the owner of the next state, after the last
    state, with no later state -> row 3 at once."""
    o = Order("ORD-2026-0119")
    a = _approved_then(ctx, o, 5)
    production_intake(ctx, o, a["producer"], a["producer"].end + 33 * MS)
    mes_action(ctx, o, ago(3, 5), "MANUFACTURING_STARTED")
    exc = ("Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException",
           "The database operation was expected to affect 1 row(s), but actually affected 0 "
           "row(s); data may have been modified or deleted since entities were loaded.",
           "Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException: The database operation "
           "was expected to affect 1 row(s), but actually affected 0 row(s).\n"
           "   at Mes.Production.JobService.Complete(String orderRef) in "
           "D:\\build\\Mes\\Production\\JobService.cs:line 142")
    mes_action(ctx, o, ago(2, 1), "MANUFACTURING_COMPLETED", fail=exc)
    return manifest(o.oid, "LOST", "mes", None, "MANUFACTURING_STARTED",
                    "CompleteManufacturing ended in ERROR: the rule state does not count, the "
                    "error is in mes after the last state (an operator action, closest fault: "
                    "none of the 10)")


def sc_batch(ctx):
    """ON_TRACK. An operator approves three orders at once: the batch SERVER span carries
    ORD-2026-0120 (the page it was sent from); each child carries its own order id, sets
    its own MANUFACTURING_APPROVED and publishes its own message. MES's consumer of
    ORD-2026-0922's message fails. Own ids win: the failure is 0922's, not 0120's. 0120:
    approved 1 d ago, consumed, 3 d allowed -> row 8."""
    orders = [Order("ORD-2026-0120"), Order("ORD-2026-0921"), Order("ORD-2026-0922")]
    for n, o in enumerate(orders):
        prefix(ctx, o, ago(3, 8 - n))
    t = ago(1, 2)
    srv = http_server(ctx, "crm-api", "POST", "/api/orders/{orderId}/approve-batch",
                      "/api/orders/ORD-2026-0120/approve-batch", 200, t, ua=OPERATOR_UA)
    srv.set(orders[0].attr("crm-api"), ("crm.batch.size", 3))
    c = t + 3 * MS
    producers = []
    for o in orders:
        child = ctx.span("crm-api", "ApprovalService.approve", INTERNAL, c, parent=srv,
                         attrs=[o.attr("crm-api")])
        d = db(ctx, "crm-api", child, c + MS, 2, 6, "UPDATE", "orders",
               "UPDATE orders SET state = ?, approved_at = ? WHERE id = ?")
        state_marks(child, "attr", "MANUFACTURING_APPROVED")
        p = publish(ctx, "crm-api", child, d.end + MS, Q_PRODUCTION, "order.approved")
        child.close(p.end + MS)
        producers.append(p)
        c = child.end + MS
    srv.close(c + 2 * MS)
    exc = ("System.ArgumentException", "Unknown alloy code 'Au585R'",
           "System.ArgumentException: Unknown alloy code 'Au585R'\n"
           "   at Mes.Production.AlloyCatalog.Resolve(String code)")
    for o, p in zip(orders, producers):
        production_intake(ctx, o, p, p.end + ctx.ms(20, 60),
                          fail=exc if o.oid == "ORD-2026-0922" else None)
    return manifest("ORD-2026-0120", "ON_TRACK", None, None, "MANUFACTURING_APPROVED",
                    "batch span carries ORD-2026-0120, children carry 0120/0921/0922; the MES "
                    "error belongs to 0922 (LOST there), not to 0120")


def sc_id_on_wrapper(ctx):
    """LOST, mes, lost-in-queue. The order id is only on the INTERNAL span around the
    publish (which also sets APPROVED), not on the SERVER span (an approval-task URL) nor
    the PRODUCER span. The publish inherits the order, is a descendant of the span that
    set the last state, was never consumed, 3 d allowance run out (4 d) -> row 3."""
    o = Order("ORD-2026-0121")
    _approved_then(ctx, o, 4, wrapper=True)
    return manifest(o.oid, "LOST", "mes", "lost-in-queue", "MANUFACTURING_APPROVED",
                    "order id only on the span around the publish; message never consumed")


def sc_nested_producers(ctx):
    """STALLED, mes. spring-rabbit's PRODUCER span wraps the AMQP client's PRODUCER span;
    MES's consumer (new trace) links to the inner one, which consumes the outer one too.
    Approved 5 d ago -> consumed -> row 7 (not LOST)."""
    o = Order("ORD-2026-0122")
    a = _approved_then(ctx, o, 5, nested=True)
    production_intake(ctx, o, a["inner_producer"], a["inner_producer"].end + 44 * MS,
                      mode="link")
    return manifest(o.oid, "STALLED", "mes", None, "MANUFACTURING_APPROVED",
                    "two nested PRODUCER spans, consumer linked to the inner one")


def sc_old_messaging_keys(ctx):
    """STALLED, mes. An older crm-api agent and MES client: `messaging.destination`,
    `messaging.rabbitmq.routing_key`, no operation key on the PRODUCER and
    `messaging.operation` = process on the CONSUMER (new trace, linked). Span kinds decide:
    consumed -> approved 5 d ago -> row 7."""
    o = Order("ORD-2026-0123")
    a = _approved_then(ctx, o, 5, old_mq=True)
    production_intake(ctx, o, a["producer"], a["producer"].end + 28 * MS, mode="link",
                      old=True)
    return manifest(o.oid, "STALLED", "mes", None, "MANUFACTURING_APPROVED",
                    "older messaging keys (messaging.destination, messaging.operation on the "
                    "consumer only)")


def sc_old_http_500(ctx):
    """LOST, mes, sync-500. An older shop-api release: `http.method`, `http.url`,
    `http.status_code` = 500 on the CLIENT span and on MES's SERVER span, and no span
    status at all. An HTTP status >= 500 is an error -> row 3."""
    o = Order("ORD-2026-0124")
    initiate(ctx, o, ago(0, 6, 12), cart=True)
    submit(ctx, o, ago(0, 6), sync_status=500, old_http=True, alloy="Ag925")
    return manifest(o.oid, "LOST", "mes", "sync-500", "SUBMITTED",
                    "500 only in http.status_code (older keys), status UNSET")


def sc_http_503_retried(ctx):
    """ON_TRACK. On approval crm-api registers the job with MES over HTTP (no queue in
    this flow): the first POST got 503 (MES SERVER span ERROR too), the client retried
    after 1 s and got 201. The later span of the same service and operation without
    error cancels the failed attempt -> approved 1 d ago, 3 d allowed -> row 8. Counting
    the 503 would say LOST."""
    o = Order("ORD-2026-0125")
    a = _approved_then(ctx, o, 1, publish_to=None)
    srv = a["server"]
    c = srv.end - 2 * MS
    url = "http://mes.internal:8080/api/production-orders"
    for n, status in enumerate([503, 201]):
        cl = http_client(ctx, "crm-api", "POST", url, status, c, srv)
        if n:
            cl.set(("http.request.resend_count", 1))
        ms_ = http_server(ctx, "mes", "POST", "api/production-orders", "/api/production-orders",
                          status, c + 2 * MS, parent=cl, ua="Java-http-client/21.0.5")
        if status == 503:
            ms_.message = "Service Unavailable"
            ms_.close(ms_.start + 6 * MS)
        else:
            job = ctx.span("mes", "RegisterProductionJob", INTERNAL, ms_.start + 2 * MS,
                           parent=ms_)
            d = db(ctx, "mes", job, job.start + MS, 3, 10, "INSERT", "ProductionJobs",
                   "INSERT INTO ProductionJobs (OrderRef, Stage, CreatedAt) VALUES (@orderRef, "
                   "@stage, SYSUTCDATETIME())")
            job.close(d.end + MS)
            ms_.close(job.end + 2 * MS)
        cl.close(ms_.end + 2 * MS)
        c = cl.end + 1000 * MS
    srv.close(c)
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_APPROVED",
                    "HTTP CLIENT 503 retried successfully: not an error")


def sc_handled_exception(ctx):
    """ON_TRACK. MES's consumer of the approval message hit a lock timeout, caught it and
    retried (an `exception` event on RegisterProductionJob, whose status stays UNSET).
    A handled exception is not an error -> approved 1 d ago -> row 8. Counting it would
    say LOST (an error in MES, no later state)."""
    o = Order("ORD-2026-0126")
    a = _approved_then(ctx, o, 1)
    lock = ("System.TimeoutException", "Lock request time out period exceeded on "
            "ProductionJobs; retrying (attempt 1 of 3)",
            "System.TimeoutException: Lock request time out period exceeded on ProductionJobs\n"
            "   at Mes.Production.JobRepository.Insert(ProductionJob job)\n"
            "   at Mes.Production.ProductionIntake.Handle(ApprovedOrder message)")
    production_intake(ctx, o, a["producer"], a["producer"].end + 17 * MS, handled=lock)
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_APPROVED",
                    "handled exception event on a non-ERROR span (its failed SQL child has "
                    "no order-level effect either)")


def sc_order_id_key(ctx):
    """ON_TRACK. crm-api writes the order id as `order_id` (accepted by default), the
    others as `order.id`. Approved 1 d ago (crm-api), consumed -> row 8. Without the key,
    last state PRICE_CALCULATED 3 d ago would be STALLED."""
    o = Order("ORD-2026-0127", keys={"crm-api": "order_id"})
    a = _approved_then(ctx, o, 1)
    production_intake(ctx, o, a["producer"], a["producer"].end + 26 * MS)
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_APPROVED",
                    "crm-api uses the order_id key")


def sc_int_order_id(ctx):
    """COMPLETED. MES and crm-api write the id as an int (order.id = 20260128), shop-api as
    the string "20260128": compared as decimal strings, one order. CLOSED -> row 2."""
    o = Order(20260128, values={"shop-api": "20260128"})
    t0 = ago(40)
    full_history(ctx, o, {
        "INITIATED": t0, "SUBMITTED": t0 + 11 * MIN, "MANUFACTURING_APPROVED": t0 + DAY,
        "MANUFACTURING_STARTED": t0 + 3 * DAY, "MANUFACTURING_COMPLETED": t0 + 12 * DAY,
        "PACKAGING": t0 + 13 * DAY, "SHIPPED": t0 + 13 * DAY + 5 * HOUR,
        "CLOSED": t0 + 18 * DAY}, upload=False)
    return manifest("20260128", "COMPLETED", None, None, "CLOSED",
                    "int order id on crm-api and mes, string on shop-api")


def sc_out_of_order(ctx):
    """INCONSISTENT. PACKAGING (attribute, 10:05) before MANUFACTURING_COMPLETED (rule,
    16:30 the same day), both MES operator pages in unrelated root traces, no skew signal
    -> still out of order after causality and skew -> row 4."""
    o = Order("ORD-2026-0129")
    t0 = ago(14)
    full_history(ctx, o, {
        "INITIATED": t0, "FILE_UPLOADED": t0 + 9 * MIN, "SUBMITTED": t0 + 15 * MIN,
        "MANUFACTURING_APPROVED": t0 + DAY, "MANUFACTURING_STARTED": t0 + 2 * DAY,
        "PACKAGING": ago(2, 1, 55), "MANUFACTURING_COMPLETED": ago(1, 19, 30)},
        mes_vias={"PACKAGING": "attr"})
    return manifest(o.oid, "INCONSISTENT", None, None, "PACKAGING",
                    "PACKAGING 6 h before MANUFACTURING_COMPLETED, not explained by causality")


def sc_required_missing(ctx):
    """INCONSISTENT. Never approved in CRM (no MANUFACTURING_APPROVED anywhere, and no
    approval message), yet a MES operator started (8 d ago) and completed (1 d ago) it.
    A required state missing while later states exist -> row 4."""
    o = Order("ORD-2026-0130")
    prefix(ctx, o, ago(11, 4))
    mes_action(ctx, o, ago(8, 2), "MANUFACTURING_STARTED")
    mes_action(ctx, o, ago(1, 3), "MANUFACTURING_COMPLETED")
    return manifest(o.oid, "INCONSISTENT", None, None, "MANUFACTURING_COMPLETED",
                    "MANUFACTURING_APPROVED missing, MES started and completed it anyway")


def sc_not_found(ctx):
    """NOT_FOUND. The file holds another order (ORD-2026-0132, on track) and a 404 for
    /api/orders/ORD-2026-0131 whose span has no order-id attribute: an id in a URL is not
    an order id -> row 1."""
    o = Order("ORD-2026-0132")
    prefix(ctx, o, ago(0, 9))
    srv = http_server(ctx, "shop-api", "GET", "/api/orders/{orderId}",
                      "/api/orders/ORD-2026-0131", 404, ago(0, 3))
    d = db(ctx, "shop-api", srv, srv.start + 2 * MS, 1, 3, "SELECT", "orders",
           "SELECT id, status FROM orders WHERE id = $1")
    srv.close(d.end + 2 * MS)
    return manifest("ORD-2026-0131", "NOT_FOUND", None, None, None,
                    "no span carries the id; it only appears in a url.path")


def sc_fresh_cart(ctx):
    """ON_TRACK. A cart created 2 d ago: INITIATED, 7 d allowance not run out, and rows
    6-7 never apply before SUBMITTED -> row 8."""
    o = Order("ORD-2026-0133")
    initiate(ctx, o, ago(2, 4), cart=True)
    return manifest(o.oid, "ON_TRACK", None, None, "INITIATED",
                    "fresh cart, 2 d old (7 d allowed)")


def sc_upload_error_abandoned(ctx):
    """ABANDONED, abandoned-cart. 10 d ago the model upload failed (preview rendering
    threw, HTTP 500 from shop-api) and the customer gave up. Row 3 does not apply before
    SUBMITTED; INITIATED's 7 d allowance has run out -> row 5, not LOST."""
    o = Order("ORD-2026-0134")
    initiate(ctx, o, ago(10, 2))
    exc = ("trimesh.exceptions.MeshError", "mesh is not watertight: 312 open edges",
           "Traceback (most recent call last):\n"
           "  File \"/app/shop/editor/render.py\", line 88, in render_preview\n"
           "    mesh = load_checked(model_key)\n"
           "  File \"/app/shop/editor/mesh.py\", line 41, in load_checked\n"
           "    raise MeshError(f\"mesh is not watertight: {n} open edges\")\n"
           "trimesh.exceptions.MeshError: mesh is not watertight: 312 open edges\n")
    upload_model(ctx, o, ago(10, 1, 50), fail=exc)
    return manifest(o.oid, "ABANDONED", None, "abandoned-cart", "INITIATED",
                    "upload failed with a 500 before SUBMITTED: no hard signal before "
                    "SUBMITTED, an abandoned cart")


def sc_client_404(ctx):
    """ON_TRACK. After approval crm-api asks MES whether the job already exists: GET
    answered 404 (CLIENT span in ERROR, status below 500: not an error), then publishes.
    Approved 1 d ago, consumed -> row 8. Counting the 404 would say LOST."""
    o = Order("ORD-2026-0135")
    a = _approved_then(ctx, o, 1)
    srv = a["server"]
    cl = http_client(ctx, "crm-api", "GET",
                     "http://mes.internal:8080/api/production-orders/%s" % o.oid, 404,
                     srv.start + 9 * MS, srv)
    ms_ = http_server(ctx, "mes", "GET", "api/production-orders/{id}",
                      "/api/production-orders/%s" % o.oid, 404, cl.start + 2 * MS, parent=cl,
                      ua="Java-http-client/21.0.5")
    ms_.close(ms_.start + 4 * MS)
    cl.close(ms_.end + 2 * MS)
    srv.close(max(srv.end, cl.end + 3 * MS))
    production_intake(ctx, o, a["producer"], a["producer"].end + 21 * MS)
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_APPROVED",
                    "HTTP CLIENT 404 in ERROR: below 500, not an error")


# --- The workshop's real lifecycle (issue #11): endings, rework loops, order types,
# business calendars. A manifest line may name the lifecycle file to judge by and its own
# "now" (golden_test reads both).

WORKSHOP = "data/lifecycle/workshop.json"
HOLIDAYS_FILE_LIFECYCLE = "tests/data/lifecycles/workshop-holidays-file.json"


def set_order_type(ctx, o, kind):
    """order.type on the order's first span (the shop's INITIATED server span)."""
    for sp in ctx.spans:
        if o.attr(sp.service) in sp.attrs:
            sp.set(("order.type", kind))
            return
    raise AssertionError("no span of %s" % o.oid)


def cancel_order(ctx, o, t):
    """CANCELLED: an operator cancels the order in CRM (an ending besides CLOSED)."""
    path = "/api/orders/%s/cancel" % o.oid
    srv = http_server(ctx, "crm-api", "POST", "/api/orders/{orderId}/cancel", path, 200, t,
                      ua=OPERATOR_UA)
    srv.set(o.attr("crm-api"))
    d = db(ctx, "crm-api", srv, t + ctx.ms(2, 5), 2, 7, "UPDATE", "orders",
           "UPDATE orders SET state = ?, cancelled_at = ? WHERE id = ?")
    state_marks(srv, "attr", "CANCELLED", d.end)
    return srv.close(d.end + ctx.ms(1, 4))


def approved_and_started(ctx, o, t_submit, t_approve, t_start):
    prefix(ctx, o, t_submit)
    a = approve(ctx, o, t_approve)
    production_intake(ctx, o, a["producer"], a["producer"].end + ctx.ms(8, 90))
    mes_action(ctx, o, t_start, "MANUFACTURING_STARTED")


def sc_cancelled(ctx):
    """COMPLETED (ending CANCELLED). Priced 12 d ago, never approved: the customer changed
    their mind and an operator cancelled it in CRM 11 d ago. Without the ending it would be
    LOST by time (12 d > 3 x 2 d)."""
    o = Order("ORD-2026-0143")
    prefix(ctx, o, ago(12, 3))
    cancel_order(ctx, o, ago(11, 2))
    return manifest(o.oid, "COMPLETED", None, None, "CANCELLED",
                    "cancelled in CRM after pricing; an ending, never LOST")


def sc_qc_loop_closed(ctx):
    """COMPLETED with a loop. Packed 20 d ago, quality control found a defect: back to
    manufacturing (PACKAGING -> MANUFACTURING_STARTED, a declared back-edge), completed,
    packed, shipped and closed. A loop of count 1, not INCONSISTENT."""
    o = Order("ORD-2026-0136")
    approved_and_started(ctx, o, ago(30), ago(29), ago(26))
    mes_action(ctx, o, ago(22), "MANUFACTURING_COMPLETED")
    mes_action(ctx, o, ago(21), "PACKAGING")
    mes_action(ctx, o, ago(20, 20), "MANUFACTURING_STARTED")
    mes_action(ctx, o, ago(16), "MANUFACTURING_COMPLETED")
    mes_action(ctx, o, ago(15, 20), "PACKAGING")
    ship(ctx, o, ago(15))
    close_order(ctx, o, ago(10))
    return manifest(o.oid, "COMPLETED", None, None, "CLOSED",
                    "PACKAGING -> MANUFACTURING_STARTED (quality control), then closed: loop x1")


def sc_qc_loop_open(ctx):
    """ON_TRACK after a loop. Completed 8 d ago, rejected by quality control 6 d ago
    (MANUFACTURING_COMPLETED -> MANUFACTURING_STARTED): the order stands at
    MANUFACTURING_STARTED again, expects MANUFACTURING_COMPLETED, and its 10 d count from
    the re-entry (6 d), not from the first start (14 d ago, which would be STALLED)."""
    o = Order("ORD-2026-0137")
    approved_and_started(ctx, o, ago(17), ago(16), ago(14))
    mes_action(ctx, o, ago(8), "MANUFACTURING_COMPLETED")
    mes_action(ctx, o, ago(6), "MANUFACTURING_STARTED")
    return manifest(o.oid, "ON_TRACK", None, None, "MANUFACTURING_STARTED",
                    "back to manufacturing 6 d ago (loop); 10 d from the re-entry")


def sc_express_stalled(ctx):
    """STALLED, crm-api. An express order (order.type = express) priced 30 h ago and not
    approved: the express set allows 1 d for PRICE_CALCULATED."""
    o = Order("ORD-2026-0138")
    prefix(ctx, o, ago(1, 6), upload=False)
    set_order_type(ctx, o, "express")
    return manifest(o.oid, "STALLED", "crm-api", "stalled-by-people", "PRICE_CALCULATED",
                    "express: 1 d for approval, priced 30 h ago")


def sc_custom_on_track(ctx):
    """ON_TRACK. The same timing as the express order, but order.type = custom: its set
    keeps the state's own 2 d."""
    o = Order("ORD-2026-0139")
    prefix(ctx, o, ago(1, 6))
    set_order_type(ctx, o, "custom")
    return manifest(o.oid, "ON_TRACK", None, None, "PRICE_CALCULATED",
                    "custom: 2 d for approval, priced 30 h ago")


def sc_weekend_workshop(ctx):
    """ON_TRACK under data/lifecycle/workshop.json. Priced on Friday 13 November at 17:00
    Moscow time, looked at on Monday 16 November at 10:00: two working hours of the 2
    working days (18 h) for approval. In wall time (default.json) it would be STALLED."""
    o = Order("ORD-2026-0140")
    prefix(ctx, o, T("2026-11-13T13:59:50"), upload=False)
    row = manifest(o.oid, "ON_TRACK", None, None, "PRICE_CALCULATED",
                   "weekend in the workshop calendar: 2 working hours of 18")
    row.update(lifecycle=WORKSHOP, now="2026-11-16T07:00:00Z")
    return row


def sc_holiday_from_file(ctx):
    """ON_TRACK under a lifecycle whose workshop calendar reads its holidays from
    data/calendars/ru-2026.txt. Priced on Tuesday 3 November at 10:00 Moscow time, looked at
    on Thursday 5 November at 17:30: 4 November (Unity Day) is a holiday, so 16.5 working
    hours of 18 have passed; counting 4 November it would be STALLED."""
    o = Order("ORD-2026-0141")
    prefix(ctx, o, T("2026-11-03T06:59:50"), upload=False)
    row = manifest(o.oid, "ON_TRACK", None, None, "PRICE_CALCULATED",
                   "4 November is a holiday from the holidays file")
    row.update(lifecycle=HOLIDAYS_FILE_LIFECYCLE, now="2026-11-05T14:30:00Z")
    return row


def sc_undeclared_back_edge(ctx):
    """INCONSISTENT. Started in MES 3 d ago, then approved again in CRM 1 d ago: going
    back from MANUFACTURING_STARTED to MANUFACTURING_APPROVED is no declared back-edge."""
    o = Order("ORD-2026-0142")
    approved_and_started(ctx, o, ago(6), ago(5), ago(3))
    approve(ctx, o, ago(1), publish_to=None)
    return manifest(o.oid, "INCONSISTENT", None, None, "MANUFACTURING_STARTED",
                    "MANUFACTURING_STARTED -> MANUFACTURING_APPROVED is not a declared "
                    "back-edge")


def holidays_file_lifecycle():
    """A lifecycle extending workshop.json whose workshop calendar reads its holidays from
    data/calendars/ru-2026.txt instead of listing them inline."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir)
    with open(os.path.join(root, "data/lifecycle/default.json"), encoding="utf-8") as f:
        workshop = json.load(f)["calendars"]["workshop"]
    # A calendar given in an extending file replaces the inherited one whole.
    del workshop["holidays"]
    workshop["holidays_file"] = "../../../data/calendars/ru-2026.txt"
    doc = {
        "comment": ("Generated by scripts/make_demo_data.py for the golden test of a holidays "
                    "file: %s with the workshop calendar reading its holidays from "
                    "data/calendars/ru-2026.txt (paths relative to this file)." % WORKSHOP),
        "version": 1,
        "name": "workshop-holidays-file",
        "extends": "../../../" + WORKSHOP,
        "calendars": {"workshop": workshop},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


SCENARIOS = [
    ("lost-in-queue", sc_lost_in_queue),
    ("consumer-error", sc_consumer_error),
    ("sync-500", sc_sync_500),
    ("stalled-by-people", sc_stalled_by_people),
    ("slow-but-fine", sc_slow_but_fine),
    ("clock-skew", sc_clock_skew),
    ("sampling-gap", sc_sampling_gap),
    ("duplicate-delivery", sc_duplicate_delivery),
    ("abandoned-cart", sc_abandoned_cart),
    ("many-traces", sc_many_traces),
    ("many-traces-one-long-trace", sc_one_long_trace),
    ("lost-by-time", sc_lost_by_time),
    ("consumer-same-trace", sc_consumer_same_trace),
    ("consumer-new-trace-link", sc_consumer_linked),
    ("linked-consumer-without-order-id", sc_linked_consumer_no_id),
    ("state-from-event", sc_state_from_event),
    ("state-from-attribute-span-end", sc_state_from_attribute),
    ("state-from-mapping-rule", sc_mapping_rule),
    ("mapping-rule-span-error", sc_mapping_rule_error),
    ("batch-span", sc_batch),
    ("order-id-on-wrapper-only", sc_id_on_wrapper),
    ("nested-producers", sc_nested_producers),
    ("old-messaging-keys", sc_old_messaging_keys),
    ("old-http-keys-500", sc_old_http_500),
    ("http-client-503-retried", sc_http_503_retried),
    ("handled-exception", sc_handled_exception),
    ("order-id-key-order_id", sc_order_id_key),
    ("int-order-id", sc_int_order_id),
    ("out-of-order", sc_out_of_order),
    ("required-state-missing", sc_required_missing),
    ("not-found", sc_not_found),
    ("fresh-cart", sc_fresh_cart),
    ("upload-error-before-submit", sc_upload_error_abandoned),
    ("http-client-404", sc_client_404),
    ("cancelled", sc_cancelled),
    ("qc-loop-closed", sc_qc_loop_closed),
    ("qc-loop-open", sc_qc_loop_open),
    ("express-stalled", sc_express_stalled),
    ("custom-on-track", sc_custom_on_track),
    ("weekend-workshop", sc_weekend_workshop),
    ("holiday-from-file", sc_holiday_from_file),
    ("undeclared-back-edge", sc_undeclared_back_edge),
]


# --------------------------------------------------------------------------------------
# Encoders
# --------------------------------------------------------------------------------------

def otlp_value(v):
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, str):
        return {"stringValue": v}
    raise TypeError(v)


def otlp_kvs(pairs):
    return [{"key": k, "value": otlp_value(v)} for k, v in pairs]


def clock_offset(sp):
    off = sp.ctx.offset(sp.service, sp.start)
    return off


def otlp_span(sp):
    off = clock_offset(sp)
    d = {"traceId": sp.trace_id, "spanId": sp.span_id}
    if sp.parent_id:
        d["parentSpanId"] = sp.parent_id
    d["name"] = sp.name
    if sp.kind:
        d["kind"] = sp.kind
    d["startTimeUnixNano"] = str(sp.start + off)
    d["endTimeUnixNano"] = str(sp.end + off)
    if sp.attrs:
        d["attributes"] = otlp_kvs(sp.attrs)
    if sp.events:
        d["events"] = [dict([("timeUnixNano", str(t + off)), ("name", n)] +
                            ([("attributes", otlp_kvs(a))] if a else []))
                       for n, t, a in sorted(sp.events, key=lambda e: e[1])]
    if sp.links:
        d["links"] = [{"traceId": t, "spanId": s} for t, s in sp.links]
    status = {}
    if sp.status:
        status["code"] = sp.status
    if sp.message:
        status["message"] = sp.message
    d["status"] = status
    return d


def otlp_document(spans, resources):
    by_service = {}
    for sp in sorted(spans, key=lambda s: (s.end, s.start)):  # export order: as spans end
        by_service.setdefault(sp.service, {}).setdefault(sp.scope, []).append(sp)
    out = []
    for service in SERVICE_ORDER:
        if service not in by_service:
            continue
        scopes = []
        for (name, version), sps in by_service[service].items():
            scopes.append({"scope": {"name": name, "version": version},
                           "spans": [otlp_span(sp) for sp in sps]})
        out.append({"resource": {"attributes": otlp_kvs(resources[service])},
                    "scopeSpans": scopes, "schemaUrl": SCHEMA_URL})
    return {"resourceSpans": out}


def jaeger_id(trace_id):
    return trace_id[16:] if trace_id[:16] == "0" * 16 else trace_id


def jaeger_kv(k, v):
    if isinstance(v, bool):
        return {"key": k, "type": "bool", "value": v}
    if isinstance(v, int):
        return {"key": k, "type": "int64", "value": v if abs(v) <= 2**53 - 1 else str(v)}
    if isinstance(v, float):
        return {"key": k, "type": "float64", "value": v}
    return {"key": k, "type": "string", "value": v}


def jaeger_span(sp, process_id):
    """Reference §4: what GET /api/traces/{id} shows for an OTLP span (adjusted: tags
    sorted by key, logs sorted by event name)."""
    off = clock_offset(sp)
    refs = []
    if sp.parent_id:
        refs.append({"refType": "CHILD_OF", "traceID": jaeger_id(sp.trace_id),
                     "spanID": sp.parent_id})
    for t, s in sp.links:
        refs.append({"refType": "FOLLOWS_FROM", "traceID": jaeger_id(t), "spanID": s})
    tags = [jaeger_kv("otel.scope.name", sp.scope[0])]
    if sp.scope[1]:
        tags.append(jaeger_kv("otel.scope.version", sp.scope[1]))
    tags += [jaeger_kv(k, v) for k, v in sorted(sp.attrs, key=lambda kv: kv[0])]
    if sp.kind:
        tags.append(jaeger_kv("span.kind", KIND_TAG[sp.kind]))
    if sp.status == ERROR:
        tags.append(jaeger_kv("otel.status_code", "ERROR"))
        tags.append(jaeger_kv("error", True))
    elif sp.status == OK:
        tags.append(jaeger_kv("otel.status_code", "OK"))
    if sp.message:
        tags.append(jaeger_kv("otel.status_description", sp.message))
    # /api/traces/{id} runs the adjusters: all tags end up sorted by key (checked against
    # Jaeger v2.13's answer for the same OTLP input), not only the span attributes
    tags.sort(key=lambda kv: kv["key"])
    logs = []
    for n, t, a in sorted(sorted(sp.events, key=lambda e: e[1]), key=lambda e: e[0]):
        logs.append({"timestamp": (t + off) // US,
                     "fields": [jaeger_kv("event", n)] +
                               [jaeger_kv(k, v) for k, v in sorted(a, key=lambda kv: kv[0])]})
    start_us = (sp.start + off) // US
    return {"traceID": jaeger_id(sp.trace_id), "spanID": sp.span_id,
            "operationName": sp.name, "references": refs, "startTime": start_us,
            "duration": (sp.end - sp.start) // US, "tags": tags, "logs": logs,
            "processID": process_id, "warnings": None}


def go_duration(ns):
    """Go's time.Duration.String(): 4m59.972246757s, 1.5ms, 0s."""
    if ns == 0:
        return "0s"
    sign, u = ("-" if ns < 0 else ""), abs(ns)

    def frac(value, digits):
        whole, rest = divmod(value, 10 ** digits)
        tail = ("%0*d" % (digits, rest)).rstrip("0")
        return "%d%s" % (whole, "." + tail if tail else "")
    if u < US:
        return sign + "%dns" % u
    if u < MS:
        return sign + frac(u, 3) + "\u00b5s"
    if u < SEC:
        return sign + frac(u, 6) + "ms"
    h, rest = divmod(u, HOUR)
    m, rest = divmod(rest, MIN)
    out = ("%dh" % h if h else "") + ("%dm" % m if h or m else "") + frac(rest, 9) + "s"
    return sign + out


def skew_warning(child, parent):
    """Jaeger's clock-skew adjuster is disabled by default but still warns on a span that
    does not fit in its parent (adjuster/clockskew.go calculateSkew; every span is judged
    against its parent as OTel resources carry no host ip)."""
    cs, ce = child.start + clock_offset(child), child.end + clock_offset(child)
    ps, pe = parent.start + clock_offset(parent), parent.end + clock_offset(parent)
    pd, cd = pe - ps, ce - cs
    if pd < cd:
        delta = ps - cs if cs < ps else 0
    elif cs >= ps and ce <= pe:
        delta = 0
    else:
        delta = ps + (pd - cd) // 2 - cs
    if delta == 0:
        return None
    return ["clock skew adjustment disabled; not applying calculated delta of %s"
            % go_duration(delta)]


def jaeger_document(spans, resources):
    traces = {}
    for sp in spans:
        traces.setdefault(sp.trace_id, []).append(sp)
    data = []
    for trace_id, sps in sorted(traces.items(), key=lambda kv: min(s.start for s in kv[1])):
        processes, keys, out = {}, {}, []
        by_id = {sp.span_id: sp for sp in sps}
        for sp in sps:
            if sp.service not in keys:
                keys[sp.service] = "p%d" % (len(keys) + 1)
                processes[keys[sp.service]] = {
                    "serviceName": sp.service,
                    "tags": [jaeger_kv(k, v) for k, v in sorted(resources[sp.service])
                             if k != "service.name"]}
            js = jaeger_span(sp, keys[sp.service])
            parent = by_id.get(sp.parent_id)
            if parent is not None:
                js["warnings"] = skew_warning(sp, parent)
            out.append(js)
        data.append({"traceID": jaeger_id(trace_id), "spans": out, "processes": processes,
                     "warnings": None})
    return {"data": data, "total": 0, "limit": 0, "offset": 0, "errors": None}


# --------------------------------------------------------------------------------------
# Checks, so that a mistake in a scenario fails here and not in a golden test
# --------------------------------------------------------------------------------------

def check_spans(name, spans):
    ids = {}
    for sp in spans:
        assert sp.end is not None, "%s: span %s never closed" % (name, sp.name)
        assert sp.end >= sp.start, "%s: span %s ends before it starts" % (name, sp.name)
        assert len(sp.trace_id) == 32 and len(sp.span_id) == 16
        key = (sp.trace_id, sp.span_id)
        assert key not in ids, "%s: duplicate span id" % name
        ids[key] = sp
    for sp in spans:
        if sp.parent_id:
            parent = ids.get((sp.trace_id, sp.parent_id))
            assert parent, "%s: %s has no parent in the set" % (name, sp.name)
            # real time: a child lies within its parent, except a CONSUMER (async)
            if sp.kind != CONSUMER and parent.kind != PRODUCER:
                assert parent.start <= sp.start and sp.end <= parent.end, \
                    "%s: %s not within its parent %s" % (name, sp.name, parent.name)
        for t, s in sp.links:
            assert (t, s) in ids, "%s: %s links to a missing span" % (name, sp.name)
        for n, t, _ in sp.events:
            assert sp.start <= t <= sp.end, "%s: event %s outside %s" % (name, n, sp.name)
        assert sp.start < NOW, "%s: %s after now" % (name, sp.name)
        if sp.service in ("crm-api", "mes") or sp.service == "shop-api":
            for k, v in sp.attrs:
                if k == "customer.email":
                    assert v.endswith("@example.invalid")


def check_otlp(doc):
    """The shape of reference §3.3/§7: hex ids, decimal-string times, numeric enums."""
    hexdigits = set("0123456789abcdef")
    for rs in doc["resourceSpans"]:
        svc = [a for a in rs["resource"]["attributes"] if a["key"] == "service.name"]
        assert len(svc) == 1
        for ss in rs["scopeSpans"]:
            for sp in ss["spans"]:
                assert len(sp["traceId"]) == 32 and set(sp["traceId"]) <= hexdigits
                assert len(sp["spanId"]) == 16 and set(sp["spanId"]) <= hexdigits
                assert sp.get("parentSpanId") is None or len(sp["parentSpanId"]) == 16
                assert isinstance(sp["startTimeUnixNano"], str) and sp["startTimeUnixNano"].isdigit()
                assert isinstance(sp["endTimeUnixNano"], str) and sp["endTimeUnixNano"].isdigit()
                assert sp.get("kind", 0) in range(6)
                assert sp["status"].get("code", 0) in (0, 1, 2)
                for ev in sp.get("events", []):
                    assert isinstance(ev["timeUnixNano"], str)


def check_jaeger(doc):
    """The shape of otlp2jaeger-out.json / reference §2.3."""
    assert set(doc) == {"data", "total", "limit", "offset", "errors"}
    for tr in doc["data"]:
        assert set(tr) == {"traceID", "spans", "processes", "warnings"}
        assert len(tr["traceID"]) in (16, 32)
        for sp in tr["spans"]:
            assert set(sp) == {"traceID", "spanID", "operationName", "references", "startTime",
                               "duration", "tags", "logs", "processID", "warnings"}
            assert sp["processID"] in tr["processes"]
            assert isinstance(sp["startTime"], int) and isinstance(sp["duration"], int)
            for ref in sp["references"]:
                assert ref["refType"] in ("CHILD_OF", "FOLLOWS_FROM")


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

def dump(obj):
    text = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    json.loads(text)  # the file must read back as JSON
    return text


def dump_jsonl(rows):
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    for line in text.splitlines():
        json.loads(line)
    return text


SHOWCASE = "tests/data/showcase/"


def build_demo():
    files = {}
    spans, rows, readme = [], [], []
    for fn in DEMO:
        ctx = Ctx(fn.__name__)
        ctx.skews.append(DEMO_MES_SKEW)
        row = fn(ctx)
        check_spans(fn.__name__, ctx.spans)
        # a trace goes to the file of its first span (a consumer never splits a trace)
        first = {}
        for sp in ctx.spans:
            first.setdefault(sp.trace_id, sp.dest)
        for sp in ctx.spans:
            sp.dest = first[sp.trace_id]
        spans.extend(ctx.spans)
        rows.append(row)
        where = sorted({sp.dest for sp in ctx.spans})
        readme.append("| `%s` | %s | %s | %s | %s | %s |" % (
            row["order_id"], row["verdict"], row["suspect"] or "-", row["fault"] or "-",
            " + ".join(where), row["note"]))
    otlp = otlp_document([s for s in spans if s.dest == "otlp"], RESOURCES)
    jaeger = jaeger_document([s for s in spans if s.dest == "jaeger"], RESOURCES)
    check_otlp(otlp)
    check_jaeger(jaeger)
    files[SHOWCASE + "shop-week-otlp.json"] = dump(otlp)
    files[SHOWCASE + "shop-week-jaeger.json"] = dump(jaeger)
    files[SHOWCASE + "manifest.jsonl"] = dump_jsonl(rows)
    files[SHOWCASE + "now.txt"] = NOW_TEXT + "\n"
    files[SHOWCASE + "README.md"] = DEMO_README % "\n".join(readme)
    return files


DEMO_README = """# Showcase data

A small, hand-designed set of traces of the jewellery workshop's order system (shop-api,
crm-api, mes, RabbitMQ between them), as Jaeger stores them, with the verdict ordertrace should
give each order: every case of lifecycle.md in about a dozen orders, in both input formats. The
golden, enrich, personal-data and report tests pin its orders, trace ids and personal-data
field. The bundled demo (`data/demo/`) is the simulator's. Generated, not recorded: do not edit
by hand.

    python3 scripts/make_demo_data.py           # regenerates tests/data/showcase/ and tests/data/scenarios/
    ordertrace show --source tests/data/showcase/shop-week-otlp.json \\
        --source tests/data/showcase/shop-week-jaeger.json \\
        --now "$(cat tests/data/showcase/now.txt)" ORD-2026-0005

| file | what |
|---|---|
| `shop-week-otlp.json` | OTLP JSON export (`{"resourceSpans":[...]}`), one resourceSpans per service |
| `shop-week-jaeger.json` | Jaeger legacy JSON as `GET /api/traces` serves it (µs times, `processes`, `span.kind` tags, logs sorted by name) |
| `manifest.jsonl` | one line per order: `order_id`, `verdict`, `suspect`, `fault`, `last_state`, `note` (cli.md) |
| `now.txt` | the "now" to judge the set at (`--now`) |

The MES host's clock runs 5 minutes slow from 2026-11-17 (every later MES span is skewed).
The only personal data is a fake `customer.email` (`someone@example.invalid`) on one shop-api span.

| order | verdict | suspect | fault | file(s) | why |
|---|---|---|---|---|---|
%s
"""


def build_scenarios():
    files, rows = {}, []
    for n, (slug, fn) in enumerate(SCENARIOS, start=1):
        ctx = Ctx(slug)
        row = fn(ctx)
        check_spans(slug, ctx.spans)
        fmt = "otlp" if n % 2 else "jaeger"
        name = "%02d-%s.%s.json" % (n, slug, fmt)
        if fmt == "otlp":
            doc = otlp_document(ctx.spans, ctx.resources)
            check_otlp(doc)
        else:
            doc = jaeger_document(ctx.spans, ctx.resources)
            check_jaeger(doc)
        files["tests/data/scenarios/" + name] = dump(doc)
        rows.append(dict([("file", name)] + list(row.items())))
    files["tests/data/scenarios/manifest.jsonl"] = dump_jsonl(rows)
    files[HOLIDAYS_FILE_LIFECYCLE] = holidays_file_lifecycle()
    files["tests/data/scenarios/now.txt"] = NOW_TEXT + "\n"
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                   os.pardir),
                    help="repository root (default: this script's parent directory)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if a generated file differs from the one on disk")
    args = ap.parse_args()
    files = {}
    files.update(build_demo())
    files.update(build_scenarios())
    root = os.path.normpath(args.root)
    stale = []
    for rel, text in sorted(files.items()):
        path = os.path.join(root, rel)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(rel)
            except FileNotFoundError:
                stale.append(rel)
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    if args.check:
        for rel in stale:
            print("stale: %s" % rel, file=sys.stderr)
        return 1 if stale else 0
    print("wrote %d files under %s" % (len(files), root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
