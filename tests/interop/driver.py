"""Plays customers and operators through the interop scenarios and writes the manifest.

Usage: driver.py OUT_DIR   (service URLs from INTEROP_SHOP_URL, INTEROP_CRM_URL, INTEROP_MES_URL)

The driver is the customers' browsers and the operators' screens: it is not instrumented,
so each of its requests starts a new trace in the service it calls, and an order is spread
over many traces joined by order id and span links, as in production. It waits for the
asynchronous steps by polling the services' untraced /internal/ pages, never by sleeping a
guessed time.

Timing: the driver takes seconds, the lifecycle days. The corpus is judged at
now = end of recording + JUDGE_AFTER (80 h, written to now.txt), as if nobody touched the
system for three days and eight hours afterwards. Against the allowances of
data/lifecycle/default.json that makes: SUBMITTED (15 min) unconsumed -> LOST;
PRICE_CALCULATED (2 d, 3x = 6 d) -> STALLED; MANUFACTURING_APPROVED (3 d, 72 h < 80 h)
-> STALLED; MANUFACTURING_STARTED (10 d) and SHIPPED (14 d) -> ON_TRACK; CLOSED -> COMPLETED.
"""

import json
import math
import os
import sys
import time
from datetime import datetime, timedelta, timezone

import requests

SHOP = os.environ["INTEROP_SHOP_URL"]
CRM = os.environ["INTEROP_CRM_URL"]
MES = os.environ["INTEROP_MES_URL"]
JUDGE_AFTER = timedelta(hours=80)
POLL_LIMIT_SECONDS = 60


def post(url, body=None, expect=(200, 201, 202)):
    answer = requests.post(url, json=body or {}, timeout=15)
    if answer.status_code not in expect:
        raise RuntimeError(f"POST {url}: HTTP {answer.status_code} {answer.text}")
    return answer


def wait_until(what, read, done):
    deadline = time.monotonic() + POLL_LIMIT_SECONDS
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}: last answer {value}")
        time.sleep(0.1)


def mes_outcomes(order_id):
    return requests.get(f"{MES}/internal/orders/{order_id}", timeout=5).json()["outcomes"]


def crm_received(order_id):
    return requests.get(f"{CRM}/internal/orders/{order_id}", timeout=5).json()["received"]


def wait_mes(order_id, outcome):
    wait_until(f"MES {outcome} of {order_id}", lambda: mes_outcomes(order_id), lambda o: outcome in o)


def wait_crm(order_id, queue, count=1):
    wait_until(
        f"CRM to receive {count} message(s) from {queue} for {order_id}",
        lambda: crm_received(order_id),
        lambda r: r.count(queue) >= count,
    )


def create(order_id, upload=True):
    post(f"{SHOP}/api/orders", {"order_id": order_id})
    if upload:
        answer = requests.post(f"{SHOP}/api/orders/{order_id}/model", data=b"solid ring\nendsolid\n", timeout=15)
        answer.raise_for_status()


def submit(order_id, route="queue", model="ok", crash_before_ack=False, expect=(200, 202)):
    post(
        f"{SHOP}/api/orders/{order_id}/submit",
        {"route": route, "model": model, "crash_before_ack": crash_before_ack},
        expect=expect,
    )


def priced(order_id, deliveries=1):
    wait_mes(order_id, "priced")
    wait_crm(order_id, "orders.priced", deliveries)


def approve(order_id):
    post(f"{CRM}/api/orders/{order_id}/approve")
    wait_mes(order_id, "queued-for-operators")


def operate(order_id, *actions):
    for action in actions:
        post(f"{MES}/operator/orders/{order_id}/{action}")


def close(order_id):
    post(f"{CRM}/api/orders/{order_id}/close")


def expect(order_id, verdict, suspect, fault, last_state, note):
    return {
        "order_id": order_id,
        "verdict": verdict,
        "suspect": suspect,
        "fault": fault,
        "last_state": last_state,
        "note": note,
    }


def run_scenarios():
    manifest = []

    create("IOP-01")
    submit("IOP-01")
    priced("IOP-01")
    approve("IOP-01")
    operate("IOP-01", "start", "complete", "pack", "ship")
    wait_crm("IOP-01", "orders.shipped")
    close("IOP-01")
    manifest.append(expect("IOP-01", "COMPLETED", None, None, "CLOSED",
                           "full cycle: pika trace continued by CRM, amqplib consumer joined by a link, CLOSED by an event"))

    create("IOP-02", upload=False)
    submit("IOP-02")
    priced("IOP-02")
    approve("IOP-02")
    operate("IOP-02", "start")
    manifest.append(expect("IOP-02", "ON_TRACK", None, None, "MANUFACTURING_STARTED",
                           "catalogue item (no upload), taken by an operator; 10 d allowance"))

    create("IOP-03")
    submit("IOP-03", route="express")
    manifest.append(expect("IOP-03", "LOST", "mes", "lost-in-queue", "SUBMITTED",
                           "published to orders.submitted.express, which nobody consumes"))

    create("IOP-04")
    submit("IOP-04", model="broken")
    wait_mes("IOP-04", "price-failed")
    manifest.append(expect("IOP-04", "LOST", "mes", "consumer-error", "SUBMITTED",
                           "MES CalculatePrice throws in the amqplib consumer, message nacked"))

    create("IOP-05", upload=False)
    submit("IOP-05", route="sync", model="broken", expect=(502,))
    manifest.append(expect("IOP-05", "LOST", "mes", "sync-500", "SUBMITTED",
                           "Shop API calls MES /price synchronously, answered 500, not retried"))

    create("IOP-06")
    submit("IOP-06", crash_before_ack=True)
    priced("IOP-06", deliveries=2)
    approve("IOP-06")
    operate("IOP-06", "start")
    manifest.append(expect("IOP-06", "ON_TRACK", None, "duplicate-delivery", "MANUFACTURING_STARTED",
                           "MES nacks with requeue after publishing the price: redelivered, PRICE_CALCULATED twice"))

    create("IOP-07")
    submit("IOP-07")
    priced("IOP-07")
    manifest.append(expect("IOP-07", "STALLED", "crm-api", "stalled-by-people", "PRICE_CALCULATED",
                           "priced, nobody in CRM approves it (2 d allowance, 80 h later)"))

    batch = ["IOP-08", "IOP-09", "IOP-10"]
    for order_id in batch:
        create(order_id, upload=order_id != "IOP-09")
        submit(order_id)
        priced(order_id)
        approve(order_id)
        operate(order_id, "start", "complete", "pack")
    post(f"{MES}/operator/batch/ship", {"order_ids": batch})
    for order_id in batch:
        wait_crm(order_id, "orders.shipped")
    close("IOP-08")
    close("IOP-09")
    for order_id in ("IOP-08", "IOP-09"):
        manifest.append(expect(order_id, "COMPLETED", None, None, "CLOSED",
                               "shipped in one MES batch request with IOP-08..10, then closed"))
    manifest.append(expect("IOP-10", "ON_TRACK", None, None, "SHIPPED",
                           "shipped in one MES batch request (ShipOrder span per order), not yet delivered"))

    create("IOP-11", upload=False)
    submit("IOP-11", route="sync")
    approve("IOP-11")
    manifest.append(expect("IOP-11", "STALLED", "mes", None, "MANUFACTURING_APPROVED",
                           "priced synchronously over HTTP, approved, no operator took it (3 d allowance, 80 h later)"))
    return manifest


def main():
    out_dir = sys.argv[1]
    started = datetime.now(timezone.utc)
    manifest = run_scenarios()
    ended = datetime.now(timezone.utc)
    end_second = datetime.fromtimestamp(math.ceil(ended.timestamp()), timezone.utc)
    now = end_second + JUDGE_AFTER
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "manifest.jsonl"), "w") as out:
        for line in manifest:
            out.write(json.dumps(line) + "\n")
    with open(os.path.join(out_dir, "now.txt"), "w") as out:
        out.write(now.strftime("%Y-%m-%dT%H:%M:%SZ") + "\n")
    with open(os.path.join(out_dir, "recording.json"), "w") as out:
        json.dump({"started": started.isoformat(), "ended": ended.isoformat(),
                   "judge_after_hours": JUDGE_AFTER.total_seconds() / 3600}, out)
        out.write("\n")
    print(f"driver: {len(manifest)} orders in {(ended - started).total_seconds():.1f} s; now = {now.isoformat()}")


if __name__ == "__main__":
    main()
