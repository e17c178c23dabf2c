"""Saves what Jaeger serves about the recorded traces, one request at a time.

Usage: save_corpus.py JAEGER_URL OUT_DIR SERVICE...   (OUT_DIR holds the driver's recording.json)

Waits until Jaeger's trace count stops growing (exporters flush on shutdown, Jaeger's
pipeline batches), then saves, as served:
- each service's search answer over the recording's window, legacy
  (/api/traces?service=S&start=&end= -> legacy-search/S.json) and api_v3
  (/api/v3/traces?query.service_name=S&... -> v3-search/S.json); a trace that spans
  several services is in several of them, as when a user exports per service;
- every trace once per API: /api/traces/{id} -> legacy/{id}.json and
  /api/v3/traces/{id} -> v3/{id}.json.
Requests are strictly sequential: Jaeger v2.13's memory store tears a trace when two
queries first read it at the same time (jaegertracing/jaeger#7986).
"""

import json
import os
import sys
import time
from datetime import datetime, timedelta

import requests


def trace_ids(jaeger, services):
    ids = set()
    for service in services:
        answer = requests.get(
            f"{jaeger}/api/traces",
            params={"service": service, "lookback": "2h", "limit": 10000},
            timeout=30,
        )
        answer.raise_for_status()
        ids.update(trace["traceID"] for trace in answer.json()["data"] or [])
    return ids


def span_count(jaeger, services):
    count = 0
    for service in services:
        answer = requests.get(
            f"{jaeger}/api/traces", params={"service": service, "lookback": "2h", "limit": 10000}, timeout=30
        )
        answer.raise_for_status()
        count += sum(len(trace["spans"]) for trace in answer.json()["data"] or [])
    return count


def main():
    jaeger, out_dir, services = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3:]
    previous, stable_reads = -1, 0
    deadline = time.monotonic() + 120
    while stable_reads < 3:
        current = span_count(jaeger, services)
        stable_reads = stable_reads + 1 if current == previous and current > 0 else 0
        previous = current
        if time.monotonic() > deadline:
            raise SystemExit(f"save_corpus: Jaeger's span count did not settle (last {current})")
        time.sleep(1)
    with open(os.path.join(out_dir, "recording.json")) as recording_file:
        recording = json.load(recording_file)
    start = datetime.fromisoformat(recording["started"]) - timedelta(minutes=1)
    end = datetime.fromisoformat(recording["ended"]) + timedelta(minutes=1)
    searches = {
        "legacy-search": lambda service: (
            "/api/traces",
            {"service": service, "start": int(start.timestamp() * 1e6), "end": int(end.timestamp() * 1e6), "limit": 1000},
        ),
        "v3-search": lambda service: (
            "/api/v3/traces",
            {
                "query.service_name": service,
                "query.start_time_min": start.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "query.start_time_max": end.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "query.num_traces": 1000,
            },
        ),
    }
    ids = sorted(trace_ids(jaeger, services))
    for kind, path in (("legacy", "/api/traces/{}"), ("v3", "/api/v3/traces/{}")):
        os.makedirs(os.path.join(out_dir, kind), exist_ok=True)
        for trace_id in ids:
            answer = requests.get(jaeger + path.format(trace_id), timeout=30)
            answer.raise_for_status()
            json.loads(answer.content)  # a broken answer fails the recording, not the tests
            with open(os.path.join(out_dir, kind, f"{trace_id}.json"), "wb") as out:
                out.write(answer.content)
    for kind, request in searches.items():
        os.makedirs(os.path.join(out_dir, kind), exist_ok=True)
        for service in services:
            path, params = request(service)
            answer = requests.get(jaeger + path, params=params, timeout=30)
            answer.raise_for_status()
            with open(os.path.join(out_dir, kind, f"{service}.json"), "wb") as out:
                out.write(answer.content)
    print(f"save_corpus: {len(ids)} traces, {previous} spans saved twice under {out_dir}")


if __name__ == "__main__":
    main()
