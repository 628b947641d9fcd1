#!/usr/bin/env python3
"""Markdown tables from run-media.sh and run-janus.sh CSVs.
usage: summarize.py media.csv [janus.csv]"""
import csv
import sys


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def media(path):
    print("| run | codec | M | talkers | server % of a core | % per participant | rx pkt/s/part | seq gaps | non-silent | late ticks (>5 ms) | skipped | worst late ms | gen % | gen late p99 / max ms | RSS MB | delay p50 / p95 / max ms (n) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows(path):
        if r["label"].startswith("warm"):
            continue
        delay = "%s / %s / %s (%s)" % (r["delay_p50_ms"], r["delay_p95_ms"], r["delay_max_ms"], r["delay_n"]) if r["delay_n"] != "0" else ""
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s |" % (
            r["label"], r["codec"], r["participants"], r["talkers"], r["server_cpu_pct"], r["pct_per_participant"],
            r["rx_pps_per_participant"], r["rx_seq_gaps"], r["nonsilent_frac"], r["server_late_ticks"],
            r["server_skipped_ticks"], r["server_worst_late_ms"], r["gen_cpu_pct"], r["gen_late_p99_ms"],
            r["gen_late_max_ms"], r["rss_mb"], delay))


def janus(path):
    print("| run | codec | rooms × M | Janus % of a core | % per participant | % per room | rx pkt/s/part | non-silent | gen % | gen late events / max ms |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows(path):
        print("| %s | %s | %s × %s | %s | %s | %s | %s | %s | %s | %s / %s |" % (
            r["label"], r["codec"], r["rooms"], r["per_room"], r["janus_cpu_pct"], r["janus_cpu_pct_per_participant"],
            r["janus_cpu_pct_per_room"], r["rx_pps_per_participant"], r["nonsilent_frac"], r["gen_cpu_pct"],
            r["gen_late_events"], r["gen_late_max_ms"]))


media(sys.argv[1])
if len(sys.argv) > 2:
    print()
    janus(sys.argv[2])
