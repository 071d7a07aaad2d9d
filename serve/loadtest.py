"""`govlint bench api`: load test of POST /v1/analyze on 127.0.0.1 with N concurrent clients (httpx, asyncio).

Two workloads, both bounded by a request count and a wall-clock cap:
- paced: each client keeps one request in flight and the clients together offer `--rate` requests/s (an
  editor-like arrival pattern); latency here is what a user waits at that load.
- closed: every client sends back to back; this measures the maximum throughput, and its latency is
  mostly queueing (Little's law: latency ~= clients / throughput).
Unless `--url` is given, the server is started here as a child process (`serve.app.run`, access log off)
and stopped afterwards by its own pid. Prints one JSON line per workload. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

# Our own sentences (not corpus text): used when ../shared is absent, repeated to the requested length.
_FALLBACK = (
    "关于《某市促进中小企业高质量发展若干措施》的政策解读\n"
    "一、出台背景\n为贯彻落实国家和省关于支持中小企业发展的决策部署，进一步优化营商环境，激发市场主体活力，"
    "市政府办公室会同有关部门研究起草了《若干措施》。\n"
    "二、主要目的\n通过加大财政支持、强化融资服务、降低要素成本，帮助中小企业稳定经营、提升创新能力。\n"
    "三、主要内容\n《若干措施》共五个方面十八条。一是加大财政支持力度，对首次认定的专精特新企业给予一次性奖励；"
    "二是强化融资服务，扩大政府性融资担保覆盖面；三是降低用地用能成本；四是支持企业开拓市场；五是优化政务服务。\n"
    "四、适用范围\n本措施适用于在本市依法登记注册、具有独立法人资格的中小企业。\n"
    "五、办事指引\n符合条件的企业可通过政务服务网提交申请材料，受理单位为市工业和信息化局，办理时限为十五个工作日。\n"
)


def _documents(n: int, chars: int) -> tuple[list[str], str]:
    """n distinct texts of exactly `chars` characters: corpus bodies when ../shared exists, else our own."""
    try:
        from training.paths import shared_dir

        corpus = shared_dir() / "corpus" / "sanming.jsonl"
        if corpus.is_file():
            bodies = []
            with corpus.open(encoding="utf-8") as fh:
                for line in fh:
                    body = (json.loads(line).get("body") or "").strip()
                    if len(body) >= 500:
                        bodies.append(body)
                    if len(bodies) >= n:
                        break
            if bodies:
                out = []
                for i in range(n):
                    b = bodies[i % len(bodies)]
                    while len(b) < chars:
                        b = b + "\n" + b
                    out.append(b[:chars])
                return out, f"corpus/sanming.jsonl ({len(bodies)} bodies)"
    except Exception:  # noqa: BLE001 - fall back to our own text
        pass
    out = []
    for i in range(n):
        t = f"（第{i + 1}稿）" + _FALLBACK
        while len(t) < chars:
            t += _FALLBACK
        out.append(t[:chars])
    return out, "built-in draft"


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def _cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user+system) of a process and its children (uvicorn workers), from /proc; Linux only.

    On a shared machine wall-clock figures depend on the neighbours; CPU per request does not, so it is
    the number to compare runs by (capacity on k free cores ~= k / cpu_s_per_request).
    """
    if pid is None or not os.path.isdir("/proc"):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = {pid}
    try:
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat", "rb") as fh:
                        fields = fh.read().rsplit(b")", 1)[1].split()
                    if int(fields[1]) == pid:
                        pids.add(int(d))
                except (OSError, IndexError, ValueError):
                    continue
        for p in pids:
            try:
                with open(f"/proc/{p}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError, ValueError):
                continue
    except OSError:
        return None
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, GOVLINT_ACCESS_LOG="0", GOVLINT_SERVER_LOG_LEVEL="warning",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    code = f"import sys; from serve.app import run; sys.exit(run('127.0.0.1', {port}, {workers}))"
    root = Path(__file__).resolve().parent.parent
    return subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


async def _wait_ready(client, base: str, proc: subprocess.Popen | None, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace")[-2000:] if proc.stderr else ""
            raise SystemExit(f"the server exited with code {proc.returncode}: {err}")
        try:
            r = await client.get(base + "/healthz", timeout=2)
            if r.status_code == 200:
                ready = await client.get(base + "/readyz", timeout=5)
                return ready.json()
        except Exception:  # noqa: BLE001 - not up yet
            pass
        await asyncio.sleep(0.25)
    raise SystemExit(f"the server at {base} did not answer /healthz within {timeout_s:.0f} s")


async def _one(client, url: str, body: bytes, lat: list[float], errors: Counter) -> None:
    t0 = time.perf_counter()
    try:
        r = await client.post(url, content=body, headers={"content-type": "application/json"})
        ok = r.status_code == 200
        if ok:
            rep = r.json()
            if rep.get("errors") and any(e["code"].endswith("_failed") for e in rep["errors"]):
                errors["analyser_failed"] += 1
        else:
            errors[f"http_{r.status_code}"] += 1
    except Exception as exc:  # noqa: BLE001 - counted, reported
        errors[type(exc).__name__] += 1
        return
    if ok:
        lat.append((time.perf_counter() - t0) * 1000)


async def _run(client, url: str, bodies: list[bytes], clients: int, total: int, rate: float | None,
               max_seconds: float) -> dict:
    lat: list[float] = []
    errors: Counter = Counter()
    counter = iter(range(total))
    start = time.perf_counter()
    stop_at = start + max_seconds
    interval = clients / rate if rate else 0.0

    async def worker(i: int) -> None:
        nxt = start + (i / rate if rate else 0.0)
        for k in counter:
            if time.perf_counter() > stop_at:
                return
            if rate:
                delay = nxt - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                nxt += interval
            await _one(client, url, bodies[k % len(bodies)], lat, errors)

    await asyncio.gather(*(worker(i) for i in range(clients)))
    wall = time.perf_counter() - start
    done = len(lat) + sum(errors.values())
    return {
        "requests": done, "ok": len(lat), "errors": sum(errors.values()), "error_kinds": dict(errors),
        "wall_s": round(wall, 2), "throughput_rps": round(len(lat) / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(lat), 1) if lat else None,
        "p90_ms": round(_pct(lat, 0.90), 1) if lat else None,
        "p99_ms": round(_pct(lat, 0.99), 1) if lat else None,
        "max_ms": round(max(lat), 1) if lat else None,
    }


async def _main(args) -> int:
    import httpx

    proc = None
    if args.url:
        base = args.url.rstrip("/")
        host = urlparse(base).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("--url must be a loopback address (127.0.0.1 / localhost): this is a load generator")
    else:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        proc = _start_server(port, args.workers)
    texts, source = _documents(args.docs, args.chars)
    tasks = [t for t in args.tasks.split(",") if t] if args.tasks else None
    bodies = [json.dumps({"text": t, **({"tasks": tasks} if tasks else {})}, ensure_ascii=False).encode("utf-8")
              for t in texts]
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    code = 0
    try:
        async with httpx.AsyncClient(limits=limits, timeout=args.timeout) as client:
            ready = await _wait_ready(client, base, proc, args.startup_timeout)
            url = base + "/v1/analyze"
            for i in range(args.warmup):
                await _one(client, url, bodies[i % len(bodies)], [], Counter())
            common = {"target": "api", "url": url, "clients": args.clients, "chars_per_doc": args.chars,
                      "documents": source, "workers": None if args.url else args.workers,
                      "cpus": os.cpu_count(), "analysers": {t: v.get("loaded") for t, v in
                                                            (ready.get("tasks") or {}).items()}}
            modes = ["paced", "closed"] if args.mode == "both" else [args.mode]
            server_pid = proc.pid if proc is not None else args.server_pid
            for mode in modes:
                cpu0 = _cpu_seconds(server_pid)
                mine0 = time.process_time()
                res = await _run(client, url, bodies, args.clients, args.requests,
                                 args.rate if mode == "paced" else None, args.max_seconds)
                cpu1 = _cpu_seconds(server_pid)
                res["client_cpu_ms_per_request"] = round((time.process_time() - mine0) * 1000 / res["requests"], 1)
                if cpu0 is not None and cpu1 is not None and res["ok"]:
                    res["server_cpu_ms_per_request"] = round((cpu1 - cpu0) * 1000 / res["requests"], 1)
                load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
                res["load_avg_1m"] = round(load, 2) if load is not None else None
                out = {"mode": mode, **({"offered_rps": args.rate} if mode == "paced" else {}), **res, **common}
                if mode == "paced":
                    out["targets"] = {"p50<=100ms": res["p50_ms"] is not None and res["p50_ms"] <= 100,
                                      ">=20rps": res["throughput_rps"] >= 20, "0 errors": res["errors"] == 0}
                print(json.dumps(out, ensure_ascii=False), flush=True)
                if res["errors"]:
                    code = 1
    finally:
        if proc is not None:
            stop_server(proc)
    return code


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="govlint bench api", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="an already running server on loopback (default: start one here)")
    ap.add_argument("--server-pid", type=int, help="with --url: the server's pid, to report its CPU per request")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes for the started server")
    ap.add_argument("--clients", type=int, default=50, help="concurrent clients")
    ap.add_argument("--requests", "-n", type=int, default=1000, help="requests per workload (bounded)")
    ap.add_argument("--rate", type=float, default=25.0, help="paced workload: offered requests/s, all clients together")
    ap.add_argument("--mode", choices=["paced", "closed", "both"], default="both")
    ap.add_argument("--chars", type=int, default=3000, help="characters per document")
    ap.add_argument("--docs", type=int, default=20, help="distinct documents, sent in rotation")
    ap.add_argument("--tasks", default="", help="comma-separated tasks (default: all)")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=60.0, help="client timeout per request, seconds")
    ap.add_argument("--max-seconds", type=float, default=300.0, help="wall-clock cap per workload")
    ap.add_argument("--startup-timeout", type=float, default=180.0)
    args = ap.parse_args(argv)
    if args.clients < 1 or args.requests < 1 or args.rate <= 0 or args.chars < 1 or args.docs < 1:
        ap.error("--clients, --requests, --rate, --chars and --docs must be positive")
    return asyncio.run(_main(args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
