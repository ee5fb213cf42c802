"""``regiohub`` — the operator's command line.

    regiohub run [--offline] [--force|--full]  ingest all sources → transform → validate → publish
    regiohub ingest SOURCE [--from PATH]    load one source (or a file/folder you downloaded)
           [--backfill START END]          … or a date range, where the source allows it
    regiohub transform [--full]             build a candidate mart with dbt
    regiohub validate [CANDIDATE]           run the audit gate on a candidate
    regiohub publish [CANDIDATE]            audit and publish a candidate
    regiohub status                         open failures, last runs, freshness per source, published snapshot
    regiohub ack [ID ...]                   acknowledge open failures (default: all)
    regiohub sources [check]                list the registry; check: validate it and probe each source offline
    regiohub serve [--host H] [--port 8501] dashboards (127.0.0.1 unless --host)
    regiohub regions [refresh --from FILE]  the region reference in use; refresh: build it from GV100AD files
    regiohub demo                           `run --offline`, then `serve`
    regiohub api [--host H] [--port 8000]   read API over the published mart (OpenAPI at /docs)
    regiohub mqtt SOURCE                    consume a sensor source's MQTT topics into raw (until Ctrl+C/SIGTERM)
    regiohub airflow [init|stop] [--offline] [--port 8080]
                                            Airflow for this project (AIRFLOW_HOME under the data dir)
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from datetime import date
from pathlib import Path

from regiohub.core import settings
from regiohub.core.errors import RegiohubError
from regiohub.ops.console import progress


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        with _offline_if(getattr(args, "offline", False)):
            return args.func(args) or 0
    except RegiohubError as exc:  # RegistryError too: imported only by the commands that read the registry
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _offline_if(enabled: bool) -> contextlib.AbstractContextManager:
    if not enabled:
        return contextlib.nullcontext()
    from regiohub.ingest.replay import offline

    return offline()


def cmd_run(args: argparse.Namespace) -> int:
    from regiohub.core.ids import new_run_id
    from regiohub.ops.console import summary
    from regiohub.ops.notify import notify_run
    from regiohub.ops.pipeline import RunReport, run
    from regiohub.ops.status import local_time
    from regiohub.store.snapshots import snapshot_time

    report = RunReport(new_run_id(), "")
    full = getattr(args, "full", False)
    if full:
        _request_full()
    try:
        run(force=args.force or full, progress=progress(), report=report)
    finally:
        summary(report)
        notify_run(report)
    if report.outcome == "unchanged":
        print("nothing new: every raw load is published")
    else:
        print(f"published snapshot {report.snapshot_id} at {local_time(snapshot_time(report.snapshot_id or ''))} "
              f"→ {settings.paths().published}")
    if report.failed_sources:
        print(f"error: sources failed: {', '.join(report.failed_sources)} (their last published data is used; "
              "`regiohub status` shows why)", file=sys.stderr)
        return 1
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from regiohub.ingest.source import ingest_source

    result = ingest_source(args.source, from_path=args.from_path, backfill=args.backfill)
    rows = ", ".join(f"{k}={v}" for k, v in result.rows.items())
    status = "kept, not published (older release)" if result.superseded_by else result.status
    print(f"{result.source_id}: {status} {rows} (load {result.load_id})")
    for entity, reasons in result.quarantined.items():
        print(f"  quarantined {entity}: " + ", ".join(f"{n} {reason}" for reason, n in reasons.items()))
    for note in result.notes:
        print(f"  note: {note}")
    return 0


def cmd_transform(args: argparse.Namespace) -> int:
    from regiohub.build.transform import build_candidate

    if args.full:
        _request_full()
    print(build_candidate(progress=progress()))
    return 0


def _request_full() -> None:
    from regiohub.build.incremental import request_full

    request_full(settings.paths(), "requested with --full")


def _candidate(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    from regiohub.store.snapshots import candidates as candidate_marts

    candidates = candidate_marts(settings.paths())
    if not candidates:
        raise RegiohubError("no candidate mart: run `regiohub transform` first")
    return candidates[-1]


def cmd_validate(args: argparse.Namespace) -> int:
    from regiohub.audit import validate_candidate

    candidate = _candidate(args.candidate)
    report = validate_candidate(candidate, settings.paths().ensure(), progress=progress())
    print(f"{candidate.name}: {'passed' if report.success else 'FAILED'} (results: {report.results_path})")
    for failure in report.failures:
        print(f"  - {failure}")
    return 0 if report.success else 1


def cmd_publish(args: argparse.Namespace) -> int:
    from regiohub.audit import validate_candidate
    from regiohub.build.incremental import keep_base
    from regiohub.core.errors import GateError
    from regiohub.ops.snapshot_admin import snapshot_listing
    from regiohub.ops.status import local_time
    from regiohub.publish.swap import publish_candidate

    data = settings.paths().ensure()
    if args.list:
        print(snapshot_listing(data))
        return 0
    if args.rollback:
        from regiohub.ops.snapshot_admin import rollback_recorded

        restored = rollback_recorded(data, None if args.rollback is True else args.rollback)
        print(f"rolled back: snapshot {restored} is published again → {data.published}")
        return 0
    candidate = _candidate(args.candidate)
    report = validate_candidate(candidate, data, progress=progress())
    if not report.success:
        raise GateError(f"{candidate.name} failed the audit gate; not published: " + "; ".join(report.failures[:3]))
    result = publish_candidate(candidate, data, keep_base=keep_base)
    print(f"published snapshot {result.snapshot_id} at {local_time(result.published_at)} → {result.path}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from regiohub.ops.status import render_status

    print(render_status(settings.paths()))
    return 0


def cmd_ack(args: argparse.Namespace) -> int:
    from regiohub.store.alerts import acknowledge

    done = acknowledge(settings.paths(), args.ids or None)
    for alert in done:
        print(f"acknowledged {alert['id']}: {alert['subject']}")
    if args.ids and not done:
        raise RegiohubError(f"no open failure with id {', '.join(args.ids)} (`regiohub status` lists them)")
    print(f"{len(done)} failure(s) acknowledged" if done else "no open failures")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from regiohub.ingest.connectors import check_registry
    from regiohub.registry.model import load_registry

    if args.action == "check":
        from regiohub.ops.sources_check import check_sources

        return check_sources(check_registry(load_registry()))

    registry = check_registry(load_registry())
    for s in registry.sources:
        print(f"{s.id:<26} {s.domain:<11} {s.schedule:<14} {s.publisher}")
    coop = registry.cooperation
    print(f"cooperation: {coop.name} ({coop.ars}) in Land {coop.land}")
    print(f"{len(registry.partners)} partners: {', '.join(p.name for p in registry.partners)}")
    return 0


def cmd_regions(args: argparse.Namespace) -> int:
    from regiohub.registry import regions

    if args.action == "refresh":
        if not args.from_paths:
            raise RegiohubError("regions refresh needs --from GV100AD_<DDMMYYYY>.txt "
                                "(the Destatis Gemeindeverzeichnis)")
        path, summary = regions.refresh(args.from_paths, lands=args.land or None, output=args.output,
                                        add_to_existing=not args.replace)
        print(f"region reference {path}: Gebietsstände {', '.join(summary['gebietsstaende'])}; "
              f"{summary['gemeinden']} Gemeinde keys in Länder {', '.join(summary['lands'])}, "
              f"{summary['ended']} ended ({summary['with_successor']} with a successor of the same AGS)")
        print("next: `regiohub run` builds the mart on it (a source whose rows were quarantined as unknown keys: "
              "hand its file in again)")
        return 0
    path = regions.reference_path()
    units = regions.read_reference(path)
    stands = sorted({u.last_stand for u in units})
    shipped = " (the shipped compact reference; `regiohub regions refresh --from GV100AD_….txt` builds your own)"
    print(f"region reference {path}{shipped if path == regions.SHIPPED else ''}")
    print(f"  Gebietsstände {', '.join(stands)}; Länder {', '.join(sorted({u.land for u in units}))}; "
          f"{sum(u.level == 'kreis' for u in units)} Kreise, {sum(u.level == 'gemeinde' for u in units)} Gemeinde keys")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    env = {**os.environ, "REGIOHUB_DATA_DIR": str(settings.data_dir())}
    cmd = [sys.executable, "-m", "streamlit", "run", str(settings.DASHBOARD_APP),
           "--server.address", args.host, "--server.port", str(args.port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]
    print(f"dashboards on http://{args.host}:{args.port}  (Ctrl+C to stop)", flush=True)
    os.chdir(settings.REPO_ROOT)
    os.execve(sys.executable, cmd, env)  # Streamlit replaces this process: signals reach it, no orphan is left


def cmd_api(args: argparse.Namespace) -> int:
    from regiohub.api import server

    server.run(args.host, args.port, args.workers)
    return 0


def cmd_mqtt(args: argparse.Namespace) -> int:
    import signal
    import threading

    from regiohub.ingest.mqtt import announce
    from regiohub.ingest.mqtt.consumer import Consumer
    from regiohub.registry.model import RegistryError, load_registry

    registry = load_registry()
    source = registry.source(args.source)
    if source.connector != "mqtt":
        raise RegistryError(f"source {source.id} is not an MQTT source (connector {source.connector})")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    logging.getLogger("regiohub").setLevel(logging.INFO)
    consumer = Consumer(source, registry, batch_seconds=args.batch_seconds,
                        announce=announce.from_environment(source.id))
    print(f"{source.id}: consuming {', '.join(consumer.config['topics'])} from "
          f"{consumer.config['host']}:{consumer.config['port']} (Ctrl+C to stop)", flush=True)
    stats = consumer.run(stop)
    print(f"{source.id}: {stats.received} messages, {stats.batches} batches, {stats.loaded_rows} rows, "
          f"{stats.dead_letters} dead letters")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from regiohub.ingest.replay import offline

    with offline():
        args.force = True
        code = cmd_run(args)
    if code:
        return code
    return cmd_serve(args)


def cmd_airflow(args: argparse.Namespace) -> int:
    from regiohub.orchestration.instance import stop_instance
    from regiohub.orchestration.launcher import init, serve
    from regiohub.orchestration.local import AirflowStack

    data_dir = settings.data_dir()
    stack = AirflowStack(home=(args.home or data_dir / "airflow").resolve(), data_dir=data_dir, port=args.port)
    if args.action == "stop":
        print(stop_instance(stack.home))
        return 0
    if args.action == "init":
        init(stack)
        return 0
    return serve(stack)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("regiohub")
    except PackageNotFoundError:
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="regiohub", description="Regio.hub data platform")
    p.add_argument("--version", action="version", version=f"regiohub {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, func, help: str, offline: bool = False) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help)
        sp.set_defaults(func=func)
        if offline:
            sp.add_argument("--offline", action="store_true",
                            help="fetch from the shipped recorded responses via a local HTTP server")
        return sp

    sp = add("run", cmd_run, "ingest all sources, transform, validate, publish", offline=True)
    sp.add_argument("--force", action="store_true",
                    help="build, gate and publish even if every load is published (incremental when it can be)")
    sp.add_argument("--full", action="store_true",
                    help="rebuild every model from raw data instead of from the published snapshot's build")
    sp = add("ingest", cmd_ingest, "load one source", offline=True)
    sp.add_argument("source")
    sp.add_argument("--from", dest="from_path", type=Path, help="a file or folder in the source's native format")
    sp.add_argument("--backfill", nargs=2, metavar=("START", "END"), type=date.fromisoformat,
                    help="fetch this date range (YYYY-MM-DD) where the source allows it")
    sp = add("transform", cmd_transform, "build a candidate mart with dbt")
    sp.add_argument("--full", action="store_true",
                    help="rebuild every model from raw data instead of from the published snapshot's build")
    sp = add("validate", cmd_validate, "run the audit gate on a candidate (default: the newest)")
    sp.add_argument("candidate", nargs="?")
    sp = add("publish", cmd_publish, "audit and publish a candidate (default: the newest); or roll back")
    sp.add_argument("candidate", nargs="?")
    sp.add_argument("--rollback", nargs="?", const=True, metavar="SNAPSHOT",
                    help="publish a kept snapshot again (default: the one before the current)")
    sp.add_argument("--list", action="store_true", help="list the kept snapshots")
    add("status", cmd_status, "open failures, last runs, freshness per source, published snapshot")
    sp = add("ack", cmd_ack, "acknowledge open failures (all, or those given): they leave status and Datenqualität")
    sp.add_argument("ids", nargs="*", metavar="ID", help="failure ids as `regiohub status` prints them (or a prefix)")
    sp = add("sources", cmd_sources, "list registered sources and partners; `check`: validate and probe them")
    sp.add_argument("action", nargs="?", choices=["check"],
                    help="validate the registry and probe every source offline against the shipped samples")
    sp = add("regions", cmd_regions, "the region reference in use; refresh: build it from Destatis GV100AD files")
    sp.add_argument("action", nargs="?", choices=["refresh"],
                    help="read GV100AD files (--from, repeatable) and add their Gebietsstand to the reference")
    sp.add_argument("--from", dest="from_paths", type=Path, action="append", default=[],
                    help="a GV100AD_<DDMMYYYY>.txt file of the Destatis Gemeindeverzeichnis (GV-ISys)")
    sp.add_argument("--land", action="append", default=[], help="keep only this Land (2-digit key; repeatable)")
    sp.add_argument("--output", type=Path, help="write here instead of <data>/reference/regions.csv")
    sp.add_argument("--replace", action="store_true", help="start afresh instead of adding to the existing reference")
    sp = add("serve", cmd_serve, "serve the dashboards")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this host only)")
    sp.add_argument("--port", type=int, default=8501)
    sp = add("api", cmd_api, "serve the read API over the published mart")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--workers", type=int, default=1)
    sp = add("mqtt", cmd_mqtt, "consume a sensor source's MQTT topics into raw (QoS 1, persistent session)")
    sp.add_argument("source")
    sp.add_argument("--batch-seconds", type=float, default=2.0, help="micro-batch interval (default 2 s)")
    sp = add("demo", cmd_demo, "run offline on the shipped samples, then serve the dashboards")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this host only)")
    sp.add_argument("--port", type=int, default=8501)
    sp = add("airflow", cmd_airflow, "start Airflow locally (api-server, scheduler, dag-processor, triggerer)",
             offline=True)
    sp.add_argument("action", nargs="?", choices=["start", "init", "stop"], default="start",
                    help="init: only write airflow.cfg, migrate the metadata DB and create the password; "
                         "stop: stop the running instance (or processes an earlier start left behind)")
    sp.add_argument("--port", type=int, default=8080)
    sp.add_argument("--home", type=Path, help="AIRFLOW_HOME (default: $REGIOHUB_DATA_DIR/airflow)")
    return p


if __name__ == "__main__":
    sys.exit(main())
