"""--metrics-port: /metrics in the Prometheus text format under the memcached exporter's names,
replicacache_replication_* for a pair, /health; and `stats` carrying every name Debian memcached's
`stats` has, except the ones documented as not applicable."""

import re
import urllib.error
import urllib.request

import pytest

import harness
import pair_harness as ph

pytestmark = pytest.mark.timeout(60)

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)\})? (-?[0-9.]+(?:e[-+]?[0-9]+)?)$')

# The memcached exporter's server-wide families (its README), which dashboards use.
EXPORTER_FAMILIES = {
    "memcached_up": "gauge", "memcached_uptime_seconds": "counter", "memcached_version": "gauge",
    "memcached_commands_total": "counter", "memcached_connections_total": "counter",
    "memcached_current_bytes": "gauge", "memcached_current_connections": "gauge",
    "memcached_current_items": "gauge", "memcached_items_evicted_total": "counter",
    "memcached_items_reclaimed_total": "counter", "memcached_items_total": "counter",
    "memcached_limit_bytes": "gauge", "memcached_read_bytes_total": "counter",
    "memcached_written_bytes_total": "counter", "memcached_connections_listener_disabled_total": "counter",
    "memcached_connections_yielded_total": "counter", "memcached_max_connections": "gauge",
    "memcached_connections_rejected_total": "counter",
}

# memcached `stats` names that describe parts ReplicaCache does not have: the slab rebalancer, the
# segmented LRU maintainer and crawler, the logger, read buffers and NAPI ids. Every other name
# memcached prints, ReplicaCache prints with memcached's meaning.
NOT_APPLICABLE = {
    "crawler_items_checked", "direct_reclaims", "evicted_active", "hash_bytes", "hash_is_expanding",
    "hash_power_level", "log_watcher_sent", "log_watcher_skipped", "log_watchers", "log_worker_dropped",
    "log_worker_written", "lru_bumps_dropped", "lru_crawler_running", "lru_crawler_starts",
    "lru_maintainer_juggles", "lrutail_reflocked", "malloc_fails", "moves_to_cold", "moves_to_warm",
    "moves_within_lru", "read_buf_bytes", "read_buf_bytes_free", "read_buf_count", "read_buf_oom",
    "response_obj_bytes", "response_obj_count", "response_obj_oom", "round_robin_fallback",
    "slab_global_page_pool", "slab_reassign_busy_deletes", "slab_reassign_busy_items",
    "slab_reassign_chunk_rescues", "slab_reassign_evictions_nomem", "slab_reassign_inline_reclaim",
    "slab_reassign_rescues", "slab_reassign_running", "slabs_moved", "unexpected_napi_ids",
}


def fetch(port, path, method="GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode()


def scrape(port):
    """{family: (type, {labels: value})}, checking the text format strictly on the way. A histogram's
    samples are keyed by suffix and labels: '_bucket le="0.001"', '_sum', '_count'."""
    status, content_type, text = fetch(port, "/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
    assert text.endswith("\n")
    families, current = {}, None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert name not in families, f"{name} described twice"
            current = name
            families[name] = [None, {}]
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name == current and kind in ("counter", "gauge", "histogram"), line
            families[name][0] = kind
        else:
            match = SAMPLE.match(line)
            assert match, f"not a sample line: {line!r}"
            name, labels, value = match.group(1), match.group(3) or "", match.group(4)
            if current and families[current][0] == "histogram":
                suffix = name[len(current):]
                assert name.startswith(current) and suffix in ("_bucket", "_sum", "_count"), line
                assert (suffix == "_bucket") == labels.startswith("le="), line
                labels = f"{suffix} {labels}".strip()
                name = current
            assert name == current and families[name][0], f"{name} sampled outside its family"
            assert labels not in families[name][1], f"duplicate sample {line!r}"
            families[name][1][labels] = float(value)
    return {name: (kind, samples) for name, (kind, samples) in families.items()}


def test_metrics_use_the_exporter_names_and_follow_stats(server_factory):
    port = harness.free_port()
    server = server_factory("ours", options={"--metrics-port": str(port), "-c": "300", "-m": "32"})
    server.exchange(b"set a 0 0 1\r\nx\r\nget a\r\nget nope\r\ndelete a\r\ndelete a\r\nincr n 1\r\n"
                    b"set n 0 0 1\r\n5\r\nincr n 2\r\ndecr n 1\r\ntouch n 10\r\ngets n\r\ncas n 0 0 1 999\r\nx\r\n")
    metrics = scrape(port)
    for name, kind in EXPORTER_FAMILIES.items():
        assert metrics.get(name, (None,))[0] == kind, name
    stats = server.stats()
    commands = metrics["memcached_commands_total"][1]
    for (command, status), stat in {("get", "hit"): "get_hits", ("get", "miss"): "get_misses",
                                    ("set", "hit"): "cmd_set", ("delete", "hit"): "delete_hits",
                                    ("delete", "miss"): "delete_misses", ("incr", "hit"): "incr_hits",
                                    ("incr", "miss"): "incr_misses", ("decr", "hit"): "decr_hits",
                                    ("touch", "hit"): "touch_hits", ("cas", "badval"): "cas_badval"}.items():
        value = commands[f'command="{command}",status="{status}"']
        assert value == float(stats[stat]) and value > 0, (command, status)
    assert metrics["memcached_limit_bytes"][1][""] == 32 * 1024 * 1024
    assert metrics["memcached_max_connections"][1][""] == 300
    assert metrics["memcached_current_items"][1][""] == float(stats["curr_items"]) == 1
    assert metrics["memcached_up"][1][""] == 1
    version = next(iter(metrics["memcached_version"][1]))
    assert version == f'version="{stats["version"]}"'
    assert not any(name.startswith("replicacache_replication_") for name in metrics), "a single node has no link"


def test_health_and_other_paths(server_factory):
    port = harness.free_port()
    server_factory("ours", options={"--metrics-port": str(port)})
    assert fetch(port, "/health")[::2] == (200, "ok\n")
    assert fetch(port, "/nope")[0] == 404
    assert fetch(port, "/metrics", method="POST")[0] == 501, "only GET and HEAD are served"


def test_metrics_port_in_use_is_refused_at_start():
    taken = harness.free_port()
    server = harness.ServerProcess("ours", harness.replicacache_bin(), options={"--metrics-port": str(taken)})
    server.start()
    try:
        clash = harness.ServerProcess("ours", harness.replicacache_bin(), options={"--metrics-port": str(taken)})
        with pytest.raises(RuntimeError, match="cannot listen for metrics"):
            clash.start()
    finally:
        server.stop()


def test_pair_exposes_replication_and_health_waits_for_the_first_resync():
    ports = {"a": harness.free_port(), "b": harness.free_port()}
    pair = ph.Pair(a_extra={"--metrics-port": str(ports["a"])}, b_extra={"--metrics-port": str(ports["b"])})
    try:
        pair.a.start()
        # b is not there yet: a cannot know whether b holds data it lacks, so it is not healthy.
        status, _, body = fetch(ports["a"], "/health")
        assert status == 503 and "resync not complete" in body
        assert scrape(ports["a"])["replicacache_replication_link_up"][1][""] == 0
        pair.b.start()
        ph.wait_streaming_both(pair.a, pair.b)
        ph.wait_for(lambda: fetch(ports["a"], "/health")[0] == 200 and fetch(ports["b"], "/health")[0] == 200,
                    10, "both nodes healthy once the link is up and resynced")
        with ph.Client(pair.pa) as client:
            for i in range(50):
                client.send(b"set k%d 0 0 1\r\nv\r\n" % i)
            assert client.exact(8 * 50) == b"STORED\r\n" * 50
        def drained():
            metrics = scrape(ports["a"])
            offset = metrics["replicacache_replication_offset_bytes"][1][""]
            return offset > 0 and metrics["replicacache_replication_acked_offset_bytes"][1][""] == offset \
                and metrics["replicacache_replication_lag_records"][1][""] == 0
        ph.wait_for(drained, 10, "b acknowledges all of a's writes")
        a, b = scrape(ports["a"]), scrape(ports["b"])
        for metrics in (a, b):
            assert metrics["replicacache_replication_link_up"][1][""] == 1
            assert next(iter(metrics["replicacache_replication_state"][1])).startswith('state="streaming"')
            assert metrics["replicacache_replication_resync_in_progress"][1][""] == 0
            for name in ("full_resyncs_total", "partial_resyncs_total", "reconnects_total", "degraded_writes_total"):
                assert metrics[f"replicacache_replication_{name}"][0] == "counter"
        assert b["memcached_current_items"][1][""] == 50, "b holds a's writes"
        # b measured how long a's 50 writes took to become visible on it; buckets are cumulative.
        kind, lag = b["replicacache_replication_visible_lag_seconds"]
        assert kind == "histogram" and lag["_count"] == 50 and lag['_bucket le="+Inf"'] == 50, lag
        buckets = [value for labels, value in lag.items() if labels.startswith("_bucket")]
        assert buckets == sorted(buckets) and 0 < lag["_sum"] < 50, lag
        assert a["replicacache_replication_visible_lag_seconds"][1]["_count"] == 0, "b wrote nothing"
    finally:
        pair.stop()


def test_stats_has_every_name_memcached_has_except_the_documented_ones(server_factory):
    names = [set(server_factory(kind).stats()) for kind in ("memcached", "ours")]
    missing = names[0] - names[1]
    assert missing == NOT_APPLICABLE & names[0], sorted(missing ^ (NOT_APPLICABLE & names[0]))
    for name in ("cmd_set", "cas_hits", "cas_misses", "cas_badval", "listen_disabled_num", "conn_yields"):
        assert name in names[1], name
